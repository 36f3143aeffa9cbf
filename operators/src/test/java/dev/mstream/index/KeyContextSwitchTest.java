package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the index relies on when it reads other documents' keyed state from its broadcast query
 * input ({@link KeyContextSwitch}), checked on Flink's own operator and state backends: if an
 * upgrade changes how a hand-set key context reads state, or how the key is restored, this fails
 * before the index reranks with the wrong vectors or writes a document under another id.
 */
class KeyContextSwitchTest {

  static Stream<StateBackend> backends() {
    return Stream.of(new EmbeddedRocksDBStateBackend(), new HashMapStateBackend());
  }

  @ParameterizedTest
  @MethodSource("backends")
  void theBroadcastInputReadsEveryKeysStateAndTheKeyedInputFindsItsKeyAgain(StateBackend backend)
      throws Exception {
    try (var h = harness(backend)) {
      h.processElement1(new StreamRecord<>("a=1"));
      h.processElement1(new StreamRecord<>("b=2"));
      h.processElement1(new StreamRecord<>("c=3")); // c is now the current key
      h.processElement2(new StreamRecord<>("b,x,a"));
      assertThat(h.extractOutputValues())
          .containsExactly("b=2", "x=null", "a=1", "current=c", "wrote c");

      // The write after the reads landed on c, the key that was current, not on a, the last read.
      h.getOutput().clear();
      h.processElement2(new StreamRecord<>("a,b,c"));
      assertThat(h.extractOutputValues())
          .containsExactly("a=1", "b=2", "c=3+", "current=c", "wrote c");
    }
  }

  @ParameterizedTest
  @MethodSource("backends")
  void theKeyIsRestoredWhenAReadFails(StateBackend backend) throws Exception {
    try (var h = harness(backend)) {
      h.processElement1(new StreamRecord<>("a=1"));
      h.processElement1(new StreamRecord<>("b=2"));
      h.processElement2(new StreamRecord<>("a,!,b"));
      assertThat(h.extractOutputValues()).containsExactly("a=1", "failed", "current=b", "wrote b");
    }
  }

  /**
   * Before any keyed record there is no key to restore: the last id read stays current (Flink
   * cannot make "no key" current again). The index only reads there; the next keyed record sets its
   * own key, so its write lands where it belongs.
   */
  @ParameterizedTest
  @MethodSource("backends")
  void aBroadcastRecordBeforeAnyKeyedOneLeavesTheLastIdReadCurrent(StateBackend backend)
      throws Exception {
    try (var h = harness(backend, false)) {
      h.processElement2(new StreamRecord<>("b,a"));
      h.processElement1(new StreamRecord<>("b=2"));
      h.processElement2(new StreamRecord<>("b"));
      assertThat(h.extractOutputValues())
          .containsExactly("b=null", "a=null", "current=a", "b=2", "current=b");
    }
  }

  private static KeyedTwoInputStreamOperatorTestHarness<String, String, String, String> harness(
      StateBackend backend) throws Exception {
    return harness(backend, true);
  }

  private static KeyedTwoInputStreamOperatorTestHarness<String, String, String, String> harness(
      StateBackend backend, boolean writeAfterReads) throws Exception {
    // No key selector on the second input: it is broadcast, as the index's query input.
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new LookupOperator(writeAfterReads), (String s) -> s.split("=")[0], null, Types.STRING);
    h.setStateBackend(backend);
    h.open();
    return h;
  }

  /**
   * Input 1: "key=value", stored under key. Input 2 (broadcast): ids to read, "!" fails the read;
   * then (if asked to) appends "+" to the value of whatever key is current.
   */
  static final class LookupOperator extends AbstractStreamOperator<String>
      implements TwoInputStreamOperator<String, String, String> {

    private final boolean writeAfterReads;
    private transient ValueState<String> values;
    private transient KeyContextSwitch keys;

    LookupOperator(boolean writeAfterReads) {
      this.writeAfterReads = writeAfterReads;
    }

    @Override
    public void open() throws Exception {
      super.open();
      values = getPartitionedState(new ValueStateDescriptor<>("v", StringSerializer.INSTANCE));
      keys = new KeyContextSwitch(this);
    }

    @Override
    public void processElement1(StreamRecord<String> record) {
      try {
        values.update(record.getValue().split("=")[1]);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void processElement2(StreamRecord<String> record) throws Exception {
      List<String> read = new ArrayList<>();
      try {
        keys.forEach(
            List.of(record.getValue().split(",")),
            id -> {
              if (id.equals("!")) {
                throw new IllegalStateException("failing read");
              }
              read.add(id + "=" + values.value());
            });
      } catch (IllegalStateException e) {
        read.add("failed");
      }
      read.forEach(this::emit);
      Object current = getCurrentKey();
      emit("current=" + current);
      if (writeAfterReads) {
        values.update(values.value() + "+");
        emit("wrote " + current);
      }
    }

    private void emit(String s) {
      output.collect(new StreamRecord<>(s));
    }
  }
}
