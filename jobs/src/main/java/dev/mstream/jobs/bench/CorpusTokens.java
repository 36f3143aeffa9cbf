package dev.mstream.jobs.bench;

import dev.mstream.chunk.ChunkTexts;
import dev.mstream.chunk.DocumentChunker;
import dev.mstream.chunk.DocumentChunks;
import dev.mstream.embed.HuggingFaceTextTokenizer;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.TextRole;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.records.DocumentChange;
import dev.mstream.schemas.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * What a corpus is, in the model's tokens, and the texts the job embeds for it: each document's
 * chunk texts as the job's chunker plans them (just the document's text when chunking is off or it
 * fits one window). Counted untimed, before a benchmark, with the model's own tokenizer.
 *
 * @param texts per document, the texts its embed subtask embeds
 * @param textTokens tokens of the documents' titles and texts, special tokens not counted, nothing
 *     truncated: the text there is to index
 * @param indexedTextTokens of those, the ones the index covers: all when chunked (up to the chunk
 *     limit), else those within the model's max tokens
 * @param modelTokens tokens fed to the model (special tokens, prefixes, titles repeated in front of
 *     each chunk and chunk overlaps included; truncated at the model's max tokens): the embedding
 *     work
 */
public record CorpusTokens(
    List<List<String>> texts, long textTokens, long indexedTextTokens, long modelTokens) {

  public static CorpusTokens of(List<Document> docs, Configuration conf, ModelProfile profile)
      throws Exception {
    DocumentChunker chunker =
        MStreamPipeline.chunker(conf, profile, HuggingFaceTextTokenizer.factory(profile));
    String prefix = profile.prefix(TextRole.DOCUMENT);
    List<List<String>> texts = new ArrayList<>(docs.size());
    long text = 0;
    long indexed = 0;
    long model = 0;
    try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.open(profile)) {
      if (chunker != null) {
        chunker.open();
      }
      int specials = tokenizer.tokenize("").specialTokens();
      int prefixTokens = tokenizer.tokenize(prefix).size();
      for (Document d : docs) {
        DocumentChange c =
            DocumentChange.upsert(d.getId(), "default", d.getTitle(), d.getText(), Map.of(), 0L);
        int own = tokenizer.tokenize(c.text).size();
        text += own;
        DocumentChunks chunks =
            chunker == null ? DocumentChunks.WHOLE : chunker.split(c.text, c.titleLength);
        if (chunks.ranges() == null) {
          texts.add(List.of(c.text));
          int fed = Math.min(profile.maxTokens(), specials + prefixTokens + own);
          model += fed;
          indexed += Math.max(0, fed - specials - prefixTokens);
        } else {
          List<String> parts = ChunkTexts.of(c.body(), chunks.ranges(), chunks.head());
          texts.add(parts);
          for (String part : parts) {
            model += Math.min(profile.maxTokens(), tokenizer.tokenize(prefix + part).modelTokens());
          }
          indexed += chunks.leftOver() ? covered(tokenizer, c, chunks) : own;
        }
      }
    } finally {
      if (chunker != null) {
        chunker.close();
      }
    }
    return new CorpusTokens(texts, text, indexed, model);
  }

  /** Text tokens of a truncated document that its chunks still cover. */
  private static long covered(
      HuggingFaceTextTokenizer tokenizer, DocumentChange c, DocumentChunks chunks) {
    String body = c.body();
    int end = chunks.ranges()[chunks.ranges().length - 1];
    String coveredBody = body.substring(0, body.offsetByCodePoints(0, end));
    return tokenizer.tokenize(coveredBody).size()
        + (c.titleLength == 0 ? 0 : tokenizer.tokenize(c.text.substring(0, c.titleLength)).size());
  }

  /** Texts the job embeds in all. */
  public long embeddedTexts() {
    long n = 0;
    for (List<String> t : texts) {
      n += t.size();
    }
    return n;
  }
}
