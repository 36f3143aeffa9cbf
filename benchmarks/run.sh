#!/usr/bin/env bash
# Runs one benchmark program by hand:  benchmarks/run.sh <Program> [args...]
#   Programs (package dev.mstream.bench): RealVectors, ExactScanBaseline, LuceneHnswBaseline,
#   SyntheticVectors, FunnelBenchmark, IvfBenchmark, IvfScaleBenchmark, FilteredRecall, TextStateSize,
#   TokenizerShare, WordNetCorpus, MlPredictThroughput; JMH: org.openjdk.jmh.Main
#   [VectorKernelsBenchmark|...]. Data is cached in ~/.cache/mstream-bench (or
#   -Dmstream.bench.dir=... via BENCH_JAVA_OPTS).
# Compiles benchmarks and what it depends on first (offline: works after the README's first
# command, which downloads every plugin and dependency); SKIP_BUILD=1 skips that.
# Env: BENCH_XMX (default 6g), BENCH_JAVA_OPTS (extra JVM flags, e.g. -Dmstream.vector.impl=scalar).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [[ $# -lt 1 ]]; then
  sed -n '2,9p' "$0"; exit 2
fi
main="$1"; shift
[[ "$main" == *.* ]] || main="dev.mstream.bench.$main"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f "$here/target/classpath.txt" ]]; then
  # `test-compile`, not `package`: the reactor then resolves the other modules to their
  # target/classes (and the operators' test-jar, which jobs' tests use, to target/test-classes),
  # and the shaded jars of jobs/ are not rebuilt for every run.
  (cd "$root" && mvn -B -o -q -pl benchmarks -am test-compile dependency:build-classpath \
      -Dspotless.check.skip=true -Dmdep.outputFile=target/classpath.txt >&2)
fi
cd "$root"  # programs write scratch data under benchmarks/target/
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-${TMPDIR:-/tmp}/mstream-djl}"
# shellcheck disable=SC2086
exec java -Xmx"${BENCH_XMX:-6g}" --add-modules jdk.incubator.vector ${BENCH_JAVA_OPTS:-} \
  -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" "$main" "$@"
