package dev.mstream.jobs.kafka;

import dev.mstream.records.DeadLetterRecord;
import dev.mstream.records.ScoredHit;
import dev.mstream.records.SearchResult;
import dev.mstream.schemas.DeadLetter;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.Timings;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.flink.annotation.Internal;

/** Internal records → the Avro records that leave the job. */
@Internal
public final class AvroConversions {

  private AvroConversions() {}

  public static QueryResult toAvro(SearchResult r) {
    List<Hit> hits = new ArrayList<>(r.hits.size());
    for (ScoredHit h : r.hits) {
      hits.add(
          Hit.newBuilder()
              .setDocId(h.docId)
              .setScore(h.score)
              .setAttributes(h.attributes == null ? new HashMap<>() : new HashMap<>(h.attributes))
              .setChunk(h.chunk)
              .setChunkCount(h.chunkCount)
              .setChunkStart(h.chunkStart < 0 ? null : h.chunkStart)
              .setChunkEnd(h.chunkEnd < 0 ? null : h.chunkEnd)
              .setPassage(h.passage)
              .build());
    }
    return QueryResult.newBuilder()
        .setQueryId(r.queryId)
        .setStatus(ResultStatus.valueOf(r.status.name()))
        .setError(r.error)
        .setHits(hits)
        .setDimsUsed(r.dimsUsed)
        .setCandidatesScanned(r.candidatesScanned)
        .setIndexSize(r.indexSize)
        .setSubtasksAnswered(r.subtasksAnswered)
        .setSubtasksExpected(r.subtasksExpected)
        .setTimings(
            Timings.newBuilder()
                .setEmbedMs(r.embedMillis)
                .setSearchMs(r.searchMillis)
                .setTotalMs(r.totalMillis)
                .setSourceMs(r.timings.sourceMillis)
                .setBatchWaitMs(r.timings.batchWaitMillis)
                .setQueueMs(r.timings.queueMillis)
                .setScanMs(r.timings.scanMillis)
                .setRerankMs(r.timings.rerankMillis)
                .setMergeMs(r.timings.mergeMillis)
                .build())
        .setProbesUsed(r.probesUsed)
        .setCodesScanned(r.codesScanned)
        .setBudgetReduced(r.budgetReduced)
        .setRecall(r.recall)
        .setEstimatedRecall(r.estimatedRecall)
        .build();
  }

  public static DeadLetter toAvro(DeadLetterRecord d) {
    return DeadLetter.newBuilder()
        .setReason(d.reason)
        .setMessage(d.message)
        .setSourceTopic(d.source.topic)
        .setSourcePartition(d.source.partition)
        .setSourceOffset(d.source.offset)
        .setKey(d.source.key == null ? null : ByteBuffer.wrap(d.source.key))
        .setValue(d.source.value == null ? null : ByteBuffer.wrap(d.source.value))
        .setTimestamp(Instant.ofEpochMilli(d.timestamp))
        .build();
  }
}
