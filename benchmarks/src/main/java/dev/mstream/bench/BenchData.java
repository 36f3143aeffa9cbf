package dev.mstream.bench;

/**
 * The vectors a benchmark program runs on, chosen by its arguments: a REAL collection ({@code
 * --collection wordnet|gcide|lexicon}, WordNet by default; see {@link RealVectors}), or with {@code
 * --synthetic [--n N]} the SYNTHETIC set drawn to follow the WordNet one. {@code tag} labels every
 * printed line, so no synthetic figure can pass for a real one.
 */
record BenchData(
    String tag,
    BenchFiles.Vectors corpus,
    BenchFiles.Vectors queries,
    int[][] truth,
    String description) {

  /** The arguments {@link #fromArgs} reads, for {@link Bench#checkArgs}. */
  static final String[] ARGS = {"--synthetic", "--n=N", "--collection=VALUE"};

  static BenchData fromArgs(String[] args) throws Exception {
    if (Bench.flag(args, "--synthetic")) {
      SyntheticVectors.Data d = SyntheticVectors.load(Bench.intArg(args, "--n", 1_000_000));
      return new BenchData("SYNTHETIC", d.corpus(), d.queries(), d.truth(), d.description());
    }
    String collection = Bench.arg(args, "--collection");
    RealVectors.Data d = RealVectors.load(collection == null ? "wordnet" : collection);
    return new BenchData("REAL", d.corpus(), d.queries(), d.truth(), d.description());
  }

  boolean synthetic() {
    return tag.equals("SYNTHETIC");
  }
}
