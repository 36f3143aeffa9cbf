package dev.mstream.index;

import dev.mstream.embed.ModelIdentity;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model the index's vectors come from, as kept in the index operator's operator state (every
 * subtask writes its model id; a restored subtask sees all of them, union state), and the check a
 * restored subtask makes before it reads a single record: an index built with one model must never
 * answer queries embedded by another.
 */
final class IndexModel {

  private static final Logger LOG = LoggerFactory.getLogger(IndexModel.class);

  /** Where the documentation of model changes lives (shown in messages). */
  static final String DOCS = "docs/guarantees.md, section 8 'The model of the index'";

  private IndexModel() {}

  /**
   * @param restored the model ids of the restored index's subtasks (empty: written by a build
   *     before model ids were kept, nothing to compare)
   * @param configured the model id of this job ({@link IndexSettings#modelId()})
   * @throws IncompatibleIndexException when a restored id names another model
   */
  static void checkRestored(Iterable<String> restored, String configured, int subtask) {
    Set<String> ids = new TreeSet<>();
    restored.forEach(ids::add);
    if (ids.isEmpty()) {
      LOG.warn(
          "index subtask {}: the restored index was written by a build that did not record its"
              + " model, so it cannot be checked against {}; from the next checkpoint on it is"
              + " recorded. If mstream.model changed since, rebuild the index ({})",
          subtask,
          configured,
          DOCS);
      return;
    }
    for (String id : ids) {
      if (!ModelIdentity.sameModel(id, configured)) {
        throw new IncompatibleIndexException(mismatch(id, configured));
      }
    }
  }

  /** The message for an index of model {@code stored} restored by a job of model {@code now}. */
  static String mismatch(String stored, String now) {
    return "the restored index holds vectors of model "
        + describe(stored)
        + ", but this job embeds with "
        + describe(now)
        + ", as mstream.model says. Vectors of two models must never be compared, so the job stops"
        + " rather than answer queries with garbage. Either restore with mstream.model set to the"
        + " model the index was built with (same profile and files), or rebuild the index with the"
        + " new model: start the job without this checkpoint or savepoint, with"
        + " mstream.kafka.documents-from-earliest=true (the default), so that it reads the"
        + " documents topic (which must be compacted) from the beginning and embeds every document"
        + " again. See "
        + DOCS
        + ".";
  }

  private static String describe(String id) {
    ModelIdentity m = ModelIdentity.parse(id);
    return m == null ? "'" + id + "'" : "'" + m.name() + "' (fingerprint " + m.fingerprint() + ")";
  }
}
