#!/usr/bin/env bash
# The benchmark harness: generates a world at a scale, measures the plain-Spark I/O floor and the nightly on the
# same landing files, and writes DIR/<scale>.json plus a row in bench/BENCHMARKS.md.
#   bench/run.sh --scale S|M|L [--out DIR]        S = 10k people, M = 100k, L = 1M (one day)
# The harness reports; it does not assert. Work files go to bench/work/ (git-ignored).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
HOME_DIR="$(cd "$HERE/.." && pwd)"
SCALE=S
OUT="$HERE/results"
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh --scale S|M|L [--out DIR]" >&2; exit 2 ;;
  esac
done
case "$SCALE" in
  S) PEOPLE=10000; HEAP=4g; PARTS=4 ;;
  M) PEOPLE=100000; HEAP=8g; PARTS=8 ;;
  L) PEOPLE=1000000; HEAP=16g; PARTS=16 ;;
  *) echo "error: --scale must be S, M or L" >&2; exit 2 ;;
esac
DATE=2026-11-02
WORK="$HOME_DIR/bench/work/$SCALE"
rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
DMP="$HOME_DIR/bin/dmp"
"$DMP" --version >/dev/null   # builds once, outside the timings

echo "== $SCALE: generating $PEOPLE people x 1 day"
t0=$(date +%s.%N)
"$DMP" generate --out "$WORK/world" --people "$PEOPLE" --days 1 --start "$DATE" --seed 1 > "$WORK/generate.log"
gen_s=$(echo "$(date +%s.%N) - $t0" | bc)
records=$(awk -F, 'NR>1 {s+=$4} END {print s}' "$WORK/world/truth/landing_counts.csv")

echo "== $SCALE: I/O floor (read the landing files, write them to Delta, no logic)"
CP="$HOME_DIR/jobs/target/opendmp-jobs.jar:$(cat "$HOME_DIR/jobs/target/classpath.txt")"
JVM_ARGS="$(sed 's/--add-modules=jdk.incubator.vector//' "$HOME_DIR/jobs/target/classes/opendmp-jvm-args.txt")"
# shellcheck disable=SC2086
SPARK_LOCAL_IP=127.0.0.1 /usr/bin/time -f "%M" -o "$WORK/floor.rss" java -Xmx$HEAP $JVM_ARGS -cp "$CP" \
  org.opendmp.jobs.bench.IoFloor "$WORK/world/landing" "$DATE" "$WORK/floor" 2>"$WORK/floor.log" > "$WORK/floor.json"
floor_s=$(sed -E 's/.*"floor_seconds": ([0-9.]+).*/\1/' "$WORK/floor.json")

echo "== $SCALE: nightly"
# ingest_crm, ingest_store and identity need the PII key: one random key per work folder, mode 600
[ -f "$WORK/pii.key" ] || (umask 077 && head -c 32 /dev/urandom | base64 > "$WORK/pii.key")
SETS=(--set landing_root="$WORK/world/landing" --set lake_root="$WORK/lake" --set spark.shuffle_partitions=$PARTS
  --set pii_key_file="$WORK/pii.key")
t0=$(date +%s.%N)
DMP_HEAP=$HEAP DMP_JAVA_OPTS="-XX:+UseG1GC" /usr/bin/time -f "%M" -o "$WORK/nightly.rss" \
  "$DMP" nightly --date "$DATE" "${SETS[@]}" > "$WORK/nightly.log" 2>"$WORK/nightly.err"
nightly_s=$(echo "$(date +%s.%N) - $t0" | bc)
"$DMP" sql --format csv "${SETS[@]}" \
  "SELECT job, round(avg(unix_millis(finished) - unix_millis(started)) / 1000.0, 1) AS seconds, max(rows_in) AS rows_in, max(rows_out) AS rows_out FROM ops.job_runs GROUP BY job ORDER BY min(started)" \
  > "$WORK/stages.csv" 2>/dev/null

cores=$(nproc); mem_gib=$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)
peak_mib=$(( $(cat "$WORK/nightly.rss") / 1024 ))
ratio=$(echo "scale=2; $nightly_s / $floor_s" | bc)
eps=$(echo "scale=0; $records / $nightly_s / $cores" | bc)
stages=$(awk -F, 'NR>1 {printf "%s\"%s\": {\"seconds\": %s, \"rows_in\": %s, \"rows_out\": %s}", (n++ ? ", " : ""), $1, $2, $3, $4}' "$WORK/stages.csv")
cat > "$OUT/$SCALE.json" <<JSON
{"scale": "$SCALE", "people": $PEOPLE, "days": 1, "landing_records": $records,
 "generator_seconds": $gen_s, "floor_seconds": $floor_s, "nightly_seconds": $nightly_s,
 "nightly_over_floor": $ratio, "events_per_second_per_core": $eps, "nightly_peak_rss_mib": $peak_mib,
 "machine": {"cores": $cores, "memory_gib": $mem_gib, "heap": "$HEAP"},
 "stages": {$stages}}
JSON
cat "$OUT/$SCALE.json"
BM="$HOME_DIR/bench/BENCHMARKS.md"
[ -f "$BM" ] || printf '# Benchmarks\n\n| date | scale | people | records | generator s | floor s | nightly s | nightly/floor | events/s/core | peak RSS MiB | machine |\n|---|---|---|---|---|---|---|---|---|---|---|\n' > "$BM"
printf '| %s | %s | %s | %s | %.1f | %s | %.1f | %s | %s | %s | %s cores, %s GiB |\n' "$(date +%F)" "$SCALE" "$PEOPLE" "$records" \
  "$gen_s" "$floor_s" "$nightly_s" "$ratio" "$eps" "$peak_mib" "$cores" "$mem_gib" >> "$BM"
