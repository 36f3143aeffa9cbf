package dev.mstream.embed;

import java.io.Serializable;

/**
 * Creates a {@link TextTokenizer} where it runs: operators are serialized to the task managers and
 * open their tokenizer in {@code open()}, so they carry a factory, not a tokenizer.
 */
@FunctionalInterface
public interface TextTokenizerFactory extends Serializable {
  TextTokenizer create() throws Exception;
}
