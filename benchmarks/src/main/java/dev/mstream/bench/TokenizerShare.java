package dev.mstream.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What it would cost to decide "unchanged" on the text the model actually sees (after its token
 * limit) instead of on the whole text: that needs the text tokenized, on every upsert. Measures, on
 * SciFact (title + text) and on its short claims, the CPU time of tokenizing a text (the model's
 * own tokenizer.json, truncated at the profile's token limit, as the embedder does) against the CPU
 * time of embedding it (one intra-op thread, calls of 256 texts as the job's micro-batches), in one
 * thread; tokenizing: median of 3 passes, embedding: one pass, each after an untimed one.
 *
 * <pre>
 * benchmarks/run.sh TokenizerShare [--scifact ../shared/datasets/scifact] [--model all-minilm-l6-v2-q] [--limit N]
 * </pre>
 */
public final class TokenizerShare {

  private TokenizerShare() {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs("TokenizerShare", args, "--scifact=VALUE", "--model=VALUE", "--limit=N");
    String scifactArg = Bench.arg(args, "--scifact");
    String modelArg = Bench.arg(args, "--model");
    Path scifact = Path.of(scifactArg == null ? "../shared/datasets/scifact" : scifactArg);
    String model = modelArg == null ? ModelProfiles.DEFAULT : modelArg;
    int limit = Bench.intArg(args, "--limit", 1000);
    ModelProfile profile = ModelProfiles.resolve(model);
    List<String> abstracts = TextStateSize.scifactTexts(scifact.resolve("corpus.jsonl"));
    List<String> claims = new ArrayList<>();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : java.nio.file.Files.readAllLines(scifact.resolve("queries.jsonl"))) {
      claims.add(json.readTree(line).path("text").asText());
    }
    try (HuggingFaceTokenizer tokenizer = tokenizer(profile);
        OnnxEmbeddingModel embedder =
            OnnxEmbeddingModel.open(profile, EmbedderOptions.defaults().withIntraOpThreads(1))) {
      for (var set :
          Map.of(
                  "SciFact abstracts", abstracts.subList(0, Math.min(limit, abstracts.size())),
                  "SciFact claims", claims.subList(0, Math.min(limit, claims.size())))
              .entrySet()) {
        List<String> texts = set.getValue();
        double tokenize = median(3, () -> tokenizer.batchEncode(texts));
        double embed =
            median(
                1,
                () -> {
                  for (int from = 0; from < texts.size(); from += 256) {
                    embedder.embed(
                        texts.subList(from, Math.min(texts.size(), from + 256)), TextRole.DOCUMENT);
                  }
                });
        System.out.printf(
            Locale.ROOT,
            "%s (%d texts), %s: tokenize %.0f µs CPU per text, embed %.0f µs; tokenizing is %.1f%%"
                + " of embedding%n",
            set.getKey(),
            texts.size(),
            profile.name(),
            tokenize * 1e6 / texts.size(),
            embed * 1e6 / texts.size(),
            100 * tokenize / embed);
      }
    }
  }

  /** The embedder's tokenizer settings: truncation at the profile's limit, no padding. */
  private static HuggingFaceTokenizer tokenizer(ModelProfile profile) throws Exception {
    Map<String, String> settings =
        Map.of(
            "addSpecialTokens", "true",
            "truncation", "true",
            "maxLength", Integer.toString(profile.maxTokens()),
            "padding", "false");
    try (InputStream in =
        TokenizerShare.class.getClassLoader().getResourceAsStream(profile.tokenizer())) {
      return HuggingFaceTokenizer.newInstance(in, settings);
    }
  }

  /**
   * Median CPU seconds over {@code n} runs (after one untimed). The tokenizer's batch call may use
   * native threads of its own: process CPU time is taken, and nothing else should run.
   */
  private static double median(int n, Runnable work) {
    work.run();
    List<Double> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double cpu0 = processCpu();
      work.run();
      runs.add(processCpu() - cpu0);
    }
    Collections.sort(runs);
    return runs.get(n / 2);
  }

  private static double processCpu() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1e9;
  }
}
