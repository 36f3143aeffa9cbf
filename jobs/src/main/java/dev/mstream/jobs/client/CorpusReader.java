package dev.mstream.jobs.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Operation;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads documents from JSON Lines: {@code {"id","title","text","namespace","attributes"}}, or the
 * BEIR {@code corpus.jsonl} shape ({@code _id}, and {@code metadata} as attributes).
 */
public final class CorpusReader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String defaultNamespace;

  public CorpusReader(String defaultNamespace) {
    this.defaultNamespace = defaultNamespace;
  }

  /** Calls {@code sink} for every line; a malformed line fails with its line number. */
  public long read(BufferedReader in, Consumer<Document> sink) throws IOException {
    long lineNo = 0;
    long count = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      try {
        sink.accept(parse(JSON.readTree(line)));
        count++;
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException("line " + lineNo + ": " + e.getMessage(), e);
      }
    }
    return count;
  }

  public Document parse(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    String id = text(node, "id");
    if (id == null) {
      id = text(node, "_id");
    }
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("missing \"id\" (or \"_id\")");
    }
    Map<String, String> attributes = new HashMap<>();
    addAll(node.get("metadata"), attributes);
    addAll(node.get("attributes"), attributes);
    String namespace = text(node, "namespace");
    String op = text(node, "op");
    return Document.newBuilder()
        .setId(id)
        .setNamespace(namespace == null ? defaultNamespace : namespace)
        .setTitle(text(node, "title"))
        .setText(text(node, "text"))
        .setAttributes(attributes)
        .setOp(op == null ? Operation.UPSERT : Operation.valueOf(op))
        .setEventTime(java.time.Instant.ofEpochMilli(System.currentTimeMillis()))
        .build();
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void addAll(JsonNode obj, Map<String, String> into) {
    if (obj == null || !obj.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue() != null && !e.getValue().isNull()) {
        into.put(
            e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
      }
    }
  }
}
