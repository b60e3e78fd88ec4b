#!/usr/bin/env bash
# bench/dedupe.sh: quality and throughput of `dmp dedupe` (inferred spec) on the 1,000-person file and on a
# larger synthetic file made from it (bench/dedupe_synth.py: each copy of the 1,000 records becomes new people
# with the same kinds of noise). Generated data stays in bench/work/ (not committed).
#   bench/dedupe.sh                 1,000 records, then 50 copies (50,000 records)
#   COPIES="10 50" bench/dedupe.sh  other sizes (copies of 1,000 records)
#   DMP_HEAP=8g bench/dedupe.sh     JVM heap of each run
# Prints, per size: records, pairs compared, linkage seconds, pairs compared per second per core, the process's
# CPU seconds (the machine is shared: CPU time varies less than wall time), and the pairwise cluster precision /
# recall / F1 against the truth column.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$HOME_DIR/bench/work/dedupe"
REAL="$HOME_DIR/jobs/src/test/resources/real/persons_fake_1000.csv"
mkdir -p "$WORK"
cd "$HOME_DIR"
# Build once up front so that no run's time includes it.
bin/dmp --version > /dev/null

run() { # name input
  local name="$1" input="$2" out="$WORK/out_$1"
  echo "== $name: bin/dmp dedupe --input $input --out $out --id-column unique_id --exclude-column cluster"
  /usr/bin/time -f "process: %e s wall, %U s user CPU, %S s system CPU, %M KB max RSS" bin/dmp dedupe --input "$input" --out "$out" \
    --id-column unique_id --exclude-column cluster > "$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log"; exit 1; }
  grep -E "^\[|^  (records|blocks|pairs compared|model|links|clusters|time|throughput|total time) " "$WORK/$name.log"
  tail -1 "$WORK/$name.log"
  python3 "$HOME_DIR/bench/dedupe_score.py" "$input" unique_id cluster "$out/clusters.csv"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
run persons_1000 "$REAL"
for copies in ${COPIES:-50}; do
  file="$WORK/synth_${copies}k.csv"
  [ -f "$file" ] || python3 "$HOME_DIR/bench/dedupe_synth.py" "$REAL" "$file" "$copies"
  run "synth_${copies}k" "$file"
done
echo "machine after: load $(cut -d' ' -f1-3 /proc/loadavg)"
