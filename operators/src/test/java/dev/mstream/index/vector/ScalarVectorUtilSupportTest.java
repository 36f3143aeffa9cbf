package dev.mstream.index.vector;

class ScalarVectorUtilSupportTest extends BaseVectorUtilSupportTest {

  private final VectorUtilSupport support = new ScalarVectorUtilSupport();

  @Override
  protected VectorUtilSupport support() {
    return support;
  }
}
