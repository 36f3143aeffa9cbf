package dev.mstream.sql.predict;

import dev.mstream.embed.OnnxEmbeddingModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * ML_PREDICT's default path: rows arrive one call at a time from Flink's async operator; their
 * texts are collected into micro-batches that one worker thread embeds with the same {@link
 * OnnxEmbeddingModel} the job's embed operator uses (length-sorted sub-batches, token budget,
 * batch-invariant int8). A batch runs when it holds {@link EmbedSpec#flushSize()} texts or its
 * oldest text has waited {@link EmbedSpec#maxDelayMillis()}.
 *
 * <p>Nothing here is checkpointed: the async operator keeps every row in flight in its own state
 * and calls again after a restore, so a batch lost with a failure is simply recomputed.
 */
@Internal
public final class AsyncEmbedFunction extends AsyncPredictFunction {

  private static final long serialVersionUID = 1L;

  // ------------------------------------------------------------------------
  //  configuration
  // ------------------------------------------------------------------------

  private final EmbedSpec spec;

  // ------------------------------------------------------------------------
  //  not checkpointed (the async operator keeps the rows in flight)
  // ------------------------------------------------------------------------

  /** The one thread that uses the model: ONNX sessions and tokenizers are not thread-safe here. */
  private transient ScheduledExecutorService worker;

  private transient OnnxEmbeddingModel model;
  private transient EmbedMetrics metrics;

  // guarded by this: filled by the task thread, taken by whoever flushes
  private transient Batch pending;
  private transient ScheduledFuture<?> timer;
  private transient boolean closed;

  AsyncEmbedFunction(EmbedSpec spec) {
    this.spec = spec;
  }

  @Override
  public void open(FunctionContext context) throws Exception {
    super.open(context);
    int subtask = context.getTaskInfo().getIndexOfThisSubtask();
    int parallelism = context.getTaskInfo().getNumberOfParallelSubtasks();
    worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mstream-embed-" + spec.profile().name() + "-" + subtask);
              t.setDaemon(true);
              return t;
            });
    try {
      model = worker.submit(() -> spec.open(parallelism)).get();
    } catch (ExecutionException e) {
      worker.shutdownNow();
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    metrics = new EmbedMetrics(context.getMetricGroup(), model);
    pending = new Batch();
  }

  @Override
  public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
    if (input.isNullAt(0)) {
      return CompletableFuture.completedFuture(List.of(EmbedRows.of(null)));
    }
    CompletableFuture<Collection<RowData>> result = new CompletableFuture<>();
    Batch full = null;
    synchronized (this) {
      if (closed) {
        result.completeExceptionally(new IllegalStateException("the embedding model is closed"));
        return result;
      }
      pending.add(input.getString(0).toString(), result);
      if (pending.size() >= spec.flushSize()) {
        full = take();
      } else if (timer == null) {
        timer = worker.schedule(this::flushOnTimer, spec.maxDelayMillis(), TimeUnit.MILLISECONDS);
      }
    }
    if (full != null) {
      Batch batch = full;
      worker.execute(() -> run(batch));
    }
    return result;
  }

  private void flushOnTimer() {
    Batch batch;
    synchronized (this) {
      timer = null;
      batch = take();
    }
    if (batch != null) {
      run(batch);
    }
  }

  /** The pending batch, or null when empty; a new one starts. Holding the lock. */
  private Batch take() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (pending.size() == 0) {
      return null;
    }
    Batch batch = pending;
    pending = new Batch();
    return batch;
  }

  /** On the worker thread. */
  private void run(Batch batch) {
    float[][] vectors;
    long start = System.nanoTime();
    try {
      vectors = model.embed(batch.texts, spec.role());
    } catch (Throwable t) {
      batch.fail(t);
      return;
    }
    metrics.batch(batch.size(), System.nanoTime() - start);
    for (int i = 0; i < vectors.length; i++) {
      batch.results.get(i).complete(List.of(EmbedRows.of(vectors[i])));
    }
  }

  @Override
  public void close() throws Exception {
    Batch unfinished;
    synchronized (this) {
      closed = true;
      unfinished = pending == null ? null : take();
    }
    try {
      if (unfinished != null) {
        unfinished.fail(new IllegalStateException("the embedding model was closed"));
      }
      if (worker != null) {
        worker.shutdown();
        if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
          worker.shutdownNow();
        }
      }
    } finally {
      try {
        if (model != null) {
          model.close(); // after the worker stopped: nothing uses it any more
          model = null;
        }
      } finally {
        super.close();
      }
    }
  }

  /** Texts and the futures that wait for their vectors, in arrival order. */
  private static final class Batch {
    final List<String> texts = new ArrayList<>();
    final List<CompletableFuture<Collection<RowData>>> results = new ArrayList<>();

    void add(String text, CompletableFuture<Collection<RowData>> result) {
      texts.add(text);
      results.add(result);
    }

    int size() {
      return texts.size();
    }

    void fail(Throwable t) {
      results.forEach(r -> r.completeExceptionally(t));
    }
  }
}
