#!/usr/bin/env bash
# Benchmark of the traits job: night 1 against night N of one generated world (issue #5: night 30 should cost
# about what night 1 costs, target <= 1.3x). Generates the world, runs every night through the registry up to
# traits in one Spark session (org.opendmp.jobs.profile.TraitsBench), then re-runs the traits job of night 1 and
# night N alternately REPEAT times, and writes bench/TRAITS.md from the measured lines.
#
# usage: bench/traits.sh [PEOPLE] [DAYS] [REPEAT]          defaults: 10000 30 3
# env:   HEAP (default 6g), WORK (default /tmp/traits-bench-PEOPLE-DAYS), SEED (7), START (2026-11-02),
#        PARTITIONS (spark.sql.shuffle.partitions, default 4), OUT (default bench/TRAITS.md),
#        FROM=F: WORK already holds nights 1..F-1 of the world (a run stopped early): run nights F..DAYS, append
#        their lines to WORK/bench.log, then the re-runs;
#        RERUN_ONLY=1: WORK already holds DAYS nights (a run stopped early: pass the last complete night as DAYS);
#        only the re-runs of night 1 and night DAYS are measured, and the report uses the nights logged before
set -euo pipefail
cd "$(dirname "$0")/.."
PEOPLE=${1:-10000}
DAYS=${2:-30}
REPEAT=${3:-3}
SEED=${SEED:-7}
START=${START:-2026-11-02}
WORK=${WORK:-/tmp/traits-bench-$PEOPLE-$DAYS}
OUT=${OUT:-bench/TRAITS.md}
JAR=jobs/target/opendmp-jobs.jar
CP_FILE=jobs/target/classpath.txt
if [ ! -f "$JAR" ] || [ ! -f "$CP_FILE" ] || [ -n "$(find pom.xml common/pom.xml jobs/pom.xml common/src/main jobs/src/main -newer "$JAR" -type f -print -quit)" ]; then
  echo "building (mvn -o -q -DskipTests package)..." >&2
  mvn -B -q -o -Dstyle.color=never -DskipTests -pl jobs -am package >&2
fi
export SPARK_LOCAL_IP=127.0.0.1
JVM_ARGS="$(sed 's/--add-modules=jdk.incubator.vector//' jobs/target/classes/opendmp-jvm-args.txt)"
MACHINE="$(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $MACHINE" >&2
if [ "${RERUN_ONLY:-0}" != 1 ] && [ -z "${FROM:-}" ]; then
  rm -rf "$WORK"
fi
mkdir -p "$WORK/lib"
# The run uses copies of the project's jars: a build during the run (tests) must not swap them underneath it.
cp "$JAR" "$WORK/lib/"
CP="$WORK/lib/$(basename "$JAR")"
for f in $(tr ':' ' ' < "$CP_FILE"); do
  case "$f" in
    */.m2/*) CP="$CP:$f" ;;
    *) cp "$f" "$WORK/lib/" && CP="$CP:$WORK/lib/$(basename "$f")" ;;
  esac
done
STARTED=$(date +%s)
if [ "${RERUN_ONLY:-0}" = 1 ]; then
  grep '^NIGHT ' "$WORK/bench.log" | python3 -c "import sys, json; [print(l, end='') for l in sys.stdin if json.loads(l[6:])['night'] <= $DAYS]" > "$WORK/nights.log"
  # shellcheck disable=SC2086
  java -Xmx"${HEAP:-6g}" $JVM_ARGS -Duser.timezone=UTC -cp "$CP" \
    org.opendmp.jobs.profile.TraitsBench --landing "$WORK/world/landing" --work "$WORK" --conf "$PWD/conf" --start "$START" \
    --days "$DAYS" --repeat "$REPEAT" --partitions "${PARTITIONS:-4}" --rerun-only true 2>"$WORK/rerun.err" | tee -a "$WORK/nights.log"
  LOG="$WORK/nights.log"
elif [ -n "${FROM:-}" ]; then
  grep '^NIGHT ' "$WORK/bench.log" | python3 -c "import sys, json; [print(l, end='') for l in sys.stdin if json.loads(l[6:])['night'] < $FROM]" > "$WORK/nights.log"
  # shellcheck disable=SC2086
  java -Xmx"${HEAP:-6g}" $JVM_ARGS -Duser.timezone=UTC -cp "$CP" \
    org.opendmp.jobs.profile.TraitsBench --landing "$WORK/world/landing" --work "$WORK" --conf "$PWD/conf" --start "$START" \
    --days "$DAYS" --repeat "$REPEAT" --partitions "${PARTITIONS:-4}" --from "$FROM" 2>"$WORK/from.err" | tee -a "$WORK/nights.log"
  cp "$WORK/nights.log" "$WORK/bench.log"
  LOG="$WORK/bench.log"
else
  # shellcheck disable=SC2086
  java -Xmx"${HEAP:-6g}" $JVM_ARGS -Duser.timezone=UTC -cp "$CP" org.opendmp.jobs.cli.Dmp generate \
    --out "$WORK/world" --people "$PEOPLE" --days "$DAYS" --start "$START" --seed "$SEED" >&2
  # shellcheck disable=SC2086
  java -Xmx"${HEAP:-6g}" $JVM_ARGS -Duser.timezone=UTC -cp "$CP" \
    org.opendmp.jobs.profile.TraitsBench --landing "$WORK/world/landing" --work "$WORK" --conf "$PWD/conf" \
    --start "$START" --days "$DAYS" --repeat "$REPEAT" --partitions "${PARTITIONS:-4}" 2>"$WORK/bench.err" | tee "$WORK/bench.log"
  LOG="$WORK/bench.log"
fi
ELAPSED=$(( $(date +%s) - STARTED ))
MACHINE="$MACHINE, load after: $(cut -d' ' -f1-3 /proc/loadavg)"
COMMAND="bench/traits.sh $PEOPLE $DAYS $REPEAT"
[ "${RERUN_ONLY:-0}" = 1 ] && COMMAND="RERUN_ONLY=1 $COMMAND"
[ -n "${FROM:-}" ] && COMMAND="FROM=$FROM $COMMAND"
python3 bench/traits_report.py "$LOG" "$COMMAND" "$MACHINE" "$ELAPSED" > "$OUT"
echo "wrote $OUT" >&2
