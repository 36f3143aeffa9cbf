package dev.mstream.embed;

import java.io.Serializable;

/**
 * Creates an {@link EmbeddingModel} where it runs: operators are serialized to the task managers
 * and open their model in {@code open()}, so they carry a factory, not a model.
 */
@FunctionalInterface
public interface EmbeddingModelFactory extends Serializable {
  EmbeddingModel create() throws Exception;
}
