package dev.mstream.bench;

/**
 * The vectors a benchmark program runs on, chosen by its arguments: the REAL WordNet embeddings, or
 * with {@code --synthetic [--n N]} the SYNTHETIC set drawn to follow them. {@code tag} labels every
 * printed line, so no synthetic figure can pass for a real one.
 */
record BenchData(
    String tag,
    BenchFiles.Vectors corpus,
    BenchFiles.Vectors queries,
    int[][] truth,
    String description) {

  /** The arguments {@link #fromArgs} reads, for {@link Bench#checkArgs}. */
  static final String[] ARGS = {"--synthetic", "--n=N"};

  static BenchData fromArgs(String[] args) throws Exception {
    if (Bench.flag(args, "--synthetic")) {
      SyntheticVectors.Data d = SyntheticVectors.load(Bench.intArg(args, "--n", 1_000_000));
      return new BenchData("SYNTHETIC", d.corpus(), d.queries(), d.truth(), d.description());
    }
    RealVectors.Data d = RealVectors.load();
    return new BenchData("REAL", d.corpus(), d.queries(), d.truth(), d.description());
  }

  boolean synthetic() {
    return tag.equals("SYNTHETIC");
  }
}
