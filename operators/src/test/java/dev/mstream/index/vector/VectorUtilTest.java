package dev.mstream.index.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VectorUtilTest {

  @Test
  void usesPanamaWhenTheModuleIsPresent() {
    // The build runs tests with --add-modules jdk.incubator.vector and no override.
    assertThat(VectorizationProvider.vectorModulePresent()).isTrue();
    assertThat(VectorUtil.implementation()).isEqualTo("panama");
  }

  @Test
  void createByName() {
    assertThat(VectorizationProvider.create("scalar").name()).isEqualTo("scalar");
    assertThat(VectorizationProvider.create("PANAMA").name()).isEqualTo("panama");
    assertThat(VectorizationProvider.create("auto").name()).isEqualTo("panama");
    assertThatThrownBy(() -> VectorizationProvider.create("gpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mstream.vector.impl");
  }

  @Test
  void wholeVectorDotChecksLengths() {
    assertThat(VectorUtil.dot(new float[] {1, 2, 3}, new float[] {4, 5, 6})).isEqualTo(32f);
    assertThat(VectorUtil.dotInt8(new byte[] {-128, 127}, new byte[] {-128, 127}))
        .isEqualTo(16384 + 16129);
    assertThatThrownBy(() -> VectorUtil.dot(new float[2], new float[3]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VectorUtil.dotInt8(new byte[2], new byte[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void columnKernelsCheckWholeRowsAndRoomForTheStride() {
    short[] q = new short[4 * 8];
    int[] out = new int[64];
    VectorUtil.dotInt4Columns(new byte[8 * 64], 0, 64, 10, q, 0, 8, out);
    VectorUtil.dotInt2Columns(new byte[8 * 64], 0, 64, 64, q, 0, 8, out);
    assertThatThrownBy(
            () -> VectorUtil.dotInt4Columns(new byte[8 * 64], 0, 64, 10, q, 0, 8, new int[10]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stride 64");
    assertThatThrownBy(
            () -> VectorUtil.dotInt2Columns(new byte[7 * 64 + 10], 0, 64, 10, q, 0, 8, out))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> VectorUtil.dotInt4Columns(new byte[8 * 64], 0, 64, 65, q, 0, 8, out))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void slicesAreBoundsChecked() {
    assertThatThrownBy(() -> VectorUtil.dot(new float[4], 2, new float[4], 0, 3))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> VectorUtil.dotInt8(new byte[4], 0, new byte[4], -1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(VectorUtil.dot(new float[] {0, 2, 3}, 1, new float[] {5, 7}, 0, 2)).isEqualTo(31f);
  }

  @Test
  void bulkArgumentsAreChecked() {
    float[] data = new float[10 * 8];
    float[] out = new float[4];
    assertThatThrownBy(() -> VectorUtil.dotRange(data, 8, 9, new float[9], 0, 2, out))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VectorUtil.dotRange(data, 8, 8, new float[8], 8, 3, out))
        .isInstanceOf(IndexOutOfBoundsException.class);
    VectorUtil.dotRange(data, 8, 8, new float[8], 6, 4, out);
  }
}
