package dev.mstream.index;

import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * The index's keyed state, per document id: the full {@link StoredDocument} (the source of truth),
 * its {@link PrefixEntry} (what the arena is rebuilt from) and, when texts are kept, the document's
 * text (on its own, so that reranking never reads it).
 *
 * <p>Methods without an id act under the operator's current key. Those with ids read other ids'
 * state through the {@link KeyContextSwitch}, which makes the caller's key current again
 * afterwards.
 */
final class DocumentState {

  private final KeyContextSwitch keys;
  private final KeyedStateBackend<String> backend;
  private final ValueState<StoredDocument> documents;
  private final ValueStateDescriptor<PrefixEntry> prefixesDescriptor;
  private final ValueState<PrefixEntry> prefixes;

  /** Null when texts are not kept. */
  private final ValueState<String> texts;

  DocumentState(
      KeyContext keys,
      KeyedStateBackend<String> backend,
      ValueState<StoredDocument> documents,
      ValueStateDescriptor<PrefixEntry> prefixesDescriptor,
      ValueState<PrefixEntry> prefixes,
      ValueState<String> texts) {
    this.keys = new KeyContextSwitch(keys);
    this.backend = backend;
    this.documents = documents;
    this.prefixesDescriptor = prefixesDescriptor;
    this.prefixes = prefixes;
    this.texts = texts;
  }

  /** Whether document texts are kept (for passages in hits). */
  boolean keepsTexts() {
    return texts != null;
  }

  StoredDocument document() throws Exception {
    return documents.value();
  }

  /** The stored document of {@code id}, or null. */
  StoredDocument document(String id) throws Exception {
    return keys.read(id, documents::value);
  }

  void putDocument(StoredDocument doc) throws Exception {
    documents.update(doc);
  }

  void putPrefix(PrefixEntry entry) throws Exception {
    prefixes.update(entry);
  }

  /** Keeps the document's text, or (null) forgets it; a no-op when texts are not kept. */
  void putText(String text) throws Exception {
    if (texts == null) {
      return;
    }
    if (text == null) {
      texts.clear();
    } else {
      texts.update(text);
    }
  }

  void clear() {
    documents.clear();
    prefixes.clear();
    if (texts != null) {
      texts.clear();
    }
  }

  /** Calls {@code action} with each id's stored document under that id's key; skips absent ids. */
  void forEach(List<String> ids, DocumentAction action) throws Exception {
    keys.forEach(
        ids,
        id -> {
          StoredDocument doc = documents.value();
          if (doc != null) {
            action.apply(id, doc);
          }
        });
  }

  /** Calls {@code action} with each id's kept text; skips ids without one. */
  void forEachText(List<String> ids, TextAction action) throws Exception {
    if (texts == null) {
      return;
    }
    keys.forEach(
        ids,
        id -> {
          String text = texts.value();
          if (text != null) {
            action.apply(id, text);
          }
        });
  }

  /** Calls {@code action} with every stored prefix entry of this subtask's key groups. */
  void forEachPrefix(PrefixAction action) throws Exception {
    backend.applyToAllKeys(
        VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE,
        prefixesDescriptor,
        (String id, ValueState<PrefixEntry> state) -> {
          PrefixEntry e = state.value();
          if (e != null) {
            action.apply(id, e);
          }
        });
  }

  /** Calls {@code action} with up to {@code limit} stored prefix entries (any of them). */
  void forSomePrefixes(int limit, java.util.function.Consumer<PrefixEntry> action)
      throws Exception {
    List<String> some;
    try (Stream<String> ids =
        backend.getKeys(prefixesDescriptor.getName(), VoidNamespace.INSTANCE)) {
      some = ids.limit(limit).toList();
    }
    keys.forEach(
        some,
        id -> {
          PrefixEntry e = prefixes.value();
          if (e != null) {
            action.accept(e);
          }
        });
  }

  @FunctionalInterface
  interface DocumentAction {
    void apply(String id, StoredDocument doc) throws Exception;
  }

  @FunctionalInterface
  interface TextAction {
    void apply(String id, String text) throws Exception;
  }

  @FunctionalInterface
  interface PrefixAction {
    void apply(String id, PrefixEntry entry) throws Exception;
  }
}
