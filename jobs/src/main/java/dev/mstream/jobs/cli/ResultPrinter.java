package dev.mstream.jobs.cli;

import dev.mstream.schemas.Hit;
import dev.mstream.schemas.QueryResult;
import java.io.PrintStream;

/** Human-readable query results for the terminal. */
final class ResultPrinter {

  private ResultPrinter() {}

  static void print(String queryText, QueryResult r, PrintStream out) {
    out.printf("%nquery: \"%s\"   [%s", queryText, r.getStatus());
    if (r.getError() != null) {
      out.printf(": %s", r.getError());
    }
    out.printf(
        "; %d docs in namespace, dims %d, %d scored, %.1f ms search, %d ms total]%n",
        r.getIndexSize(),
        r.getDimsUsed(),
        r.getCandidatesScanned(),
        r.getTimings().getSearchMs(),
        r.getTimings().getTotalMs());
    int rank = 1;
    for (Hit h : r.getHits()) {
      out.printf("  %2d. %.4f  %-12s %s", rank++, h.getScore(), h.getDocId(), h.getAttributes());
      if (h.getChunkCount() > 1) {
        out.printf("  chunk %d of %d", h.getChunk() + 1, h.getChunkCount());
        if (h.getChunkStart() != null) {
          out.printf(" [%d, %d)", h.getChunkStart(), h.getChunkEnd());
        }
      }
      out.println();
      if (h.getPassage() != null) {
        out.printf("      \"%s\"%n", h.getPassage().replace('\n', ' '));
      }
    }
  }
}
