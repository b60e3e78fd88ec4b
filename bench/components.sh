#!/usr/bin/env bash
# Benchmark of connected components: ours (org.opendmp.jobs.identity.graph.Components) against GraphX
# connectedComponents on the same synthetic identity graph; checks both give the same partition and prints one
# JSON line (seconds of each, speedup = graphx/ours, iterations, nodes, edges, machine). See bench/COMPONENTS.md.
#
# usage: bench/components.sh [--edges N] [--partitions P] [--mode local|reliable] [--interval K] [--seed S]
#                            [--graphx true|false] [--warmup N] [--verbose true] [--aqe true|false]
# env:   HEAP (default 8g): the -Xmx of the run (driver and executors share one JVM in local mode)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=jobs/target/opendmp-jobs.jar
CP_FILE=jobs/target/classpath.txt
if [ ! -f "$JAR" ] || [ ! -f "$CP_FILE" ] || [ -n "$(find pom.xml common/pom.xml jobs/pom.xml common/src/main jobs/src/main -newer "$JAR" -type f -print -quit)" ]; then
  echo "building (mvn -o -q -DskipTests package)..." >&2
  mvn -B -q -o -Dstyle.color=never -DskipTests -pl jobs -am package >&2
fi
export SPARK_LOCAL_IP=127.0.0.1
JVM_ARGS="$(sed 's/--add-modules=jdk.incubator.vector//' jobs/target/classes/opendmp-jvm-args.txt)"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# shellcheck disable=SC2086
exec java -Xmx"${HEAP:-8g}" $JVM_ARGS -Duser.timezone=UTC \
  -cp "$JAR:$(cat "$CP_FILE")" org.opendmp.jobs.identity.graph.ComponentsBench "$@"
