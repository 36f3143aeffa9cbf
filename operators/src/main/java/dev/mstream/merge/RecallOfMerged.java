package dev.mstream.merge;

import dev.mstream.records.PartialResult;
import dev.mstream.records.ScoredHit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The recall of a merged answer, for queries that asked for it: every subtask sent the top-k of an
 * exhaustive search of its own documents beside its answer; the global reference is the top-k of
 * their union (each document lives on one subtask), and recall is the share of it the merged hits
 * hold.
 */
final class RecallOfMerged {

  private RecallOfMerged() {}

  /** Null unless every partial carries its reference. */
  static Double of(List<PartialResult> partials, List<ScoredHit> merged, int k) {
    List<ScoredHit> reference = new ArrayList<>();
    for (PartialResult p : partials) {
      if (p.referenceHits == null) {
        return null;
      }
      reference.addAll(p.referenceHits);
    }
    reference.sort(ScoredHit::bestFirst);
    // A document counts once, however many of its chunks the reference holds.
    Set<String> distinct = new HashSet<>();
    reference.removeIf(h -> !distinct.add(h.docId));
    int n = Math.min(k, reference.size());
    if (n == 0) {
      return 1.0;
    }
    Set<String> found = new HashSet<>();
    for (ScoredHit h : merged) {
      found.add(h.docId);
    }
    int hits = 0;
    for (int i = 0; i < n; i++) {
      if (found.contains(reference.get(i).docId)) {
        hits++;
      }
    }
    return hits / (double) n;
  }

  /** Mean of the subtasks' measured recall; null when none knows it. */
  static Double estimated(List<PartialResult> partials) {
    double sum = 0;
    int n = 0;
    for (PartialResult p : partials) {
      if (p.estimatedRecall >= 0) {
        sum += p.estimatedRecall;
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }
}
