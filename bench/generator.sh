#!/usr/bin/env bash
# Benchmark of the world generator: generates PEOPLE x DAYS into OUT and prints the seconds, the records and
# the peak heap (see bench/GENERATOR.md). The generator is pure Java (no Spark): it runs on the compiled
# classes of common and jobs, built here when missing or older than their sources (never `mvn install`).
#
# usage: bench/generator.sh PEOPLE DAYS OUT [SEED [START]]     e.g. bench/generator.sh 1000000 1 /tmp/world
# env:   HEAP (default 4g): the -Xmx of the run
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 3 ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
marker=jobs/target/classes/org/opendmp/jobs/generate/GeneratorBench.class
if [ ! -f "$marker" ] || [ -n "$(find common/src/main/java jobs/src/main/java/org/opendmp/jobs/generate -name '*.java' -newer "$marker" | head -1)" ]; then
  echo "building common and jobs classes..." >&2
  mvn -B -q -pl jobs -am compile >&2
fi
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)" >&2
exec java -Xmx"${HEAP:-4g}" -cp jobs/target/classes:common/target/classes org.opendmp.jobs.generate.GeneratorBench "$@"
