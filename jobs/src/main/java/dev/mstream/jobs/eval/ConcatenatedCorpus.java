package dev.mstream.jobs.eval;

import dev.mstream.schemas.Document;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A collection of long documents built from a corpus of short ones, to measure retrieval of long
 * documents on real text with real judgments: the documents are shuffled (seeded), cut into
 * consecutive groups of {@code min} to {@code max} (uniformly drawn), and each group becomes one
 * document whose text is its members' titles and texts as paragraphs ({@code title}, a line break,
 * {@code text}; a blank line between members). A judgment of a member becomes a judgment of the
 * document that contains it, at the highest grade of its judged members.
 *
 * <p>Built in memory; nothing is written anywhere.
 */
final class ConcatenatedCorpus {

  private ConcatenatedCorpus() {}

  static BeirDataset of(BeirDataset data, int min, int max, long seed) {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException(
          "documents per long document must be 1 <= min <= max, was " + min + "-" + max);
    }
    List<Document> shuffled = new ArrayList<>(data.corpus());
    Random random = new Random(seed);
    Collections.shuffle(shuffled, random);
    Map<String, String> container = new HashMap<>();
    List<Document> docs = new ArrayList<>();
    for (int from = 0; from < shuffled.size(); ) {
      int size = min + random.nextInt(max - min + 1);
      int to = Math.min(shuffled.size(), from + size);
      String id = "long-" + docs.size();
      StringBuilder text = new StringBuilder();
      for (Document member : shuffled.subList(from, to)) {
        if (text.length() > 0) {
          text.append("\n\n");
        }
        String title = member.getTitle() == null ? "" : member.getTitle().trim();
        String body = member.getText() == null ? "" : member.getText().trim();
        text.append(title).append(title.isEmpty() || body.isEmpty() ? "" : "\n").append(body);
        container.put(member.getId(), id);
      }
      docs.add(
          Document.newBuilder().setId(id).setNamespace("default").setText(text.toString()).build());
      from = to;
    }
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Integer>> q : data.qrels().entrySet()) {
      Map<String, Integer> judged = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> j : q.getValue().entrySet()) {
        String doc = container.get(j.getKey());
        if (doc != null) {
          judged.merge(doc, j.getValue(), Math::max);
        }
      }
      qrels.put(q.getKey(), judged);
    }
    String name =
        data.name()
            + " (concatenated: "
            + docs.size()
            + " documents of "
            + min
            + "-"
            + max
            + ", seed "
            + seed
            + ")";
    return new BeirDataset(name, docs, data.queries(), qrels);
  }
}
