package dev.mstream.index;

import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * A local top-k, best first, with how many vectors were scored to find it.
 *
 * @param scanned documents of the namespace (after the filter) whose score was computed
 */
@Internal
public record SearchHits(
    String[] ids, float[] scores, Map<String, String>[] attributes, long scanned) {

  public int size() {
    return ids.length;
  }
}
