"""Writes bench/TRAITS.md from the NIGHT and RERUN lines of org.opendmp.jobs.profile.TraitsBench (bench/traits.sh)."""
import json
import statistics
import sys

log, command, machine, elapsed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
nights, reruns = [], {}


def rows_out(n):
    # lines of older builds lack traits_rows: every row is recomputed or carried
    return n.get("traits_rows", n["persons_recomputed"] + n["persons_carried"])


for line in open(log):
    kind, _, payload = line.partition(" ")
    if kind == "NIGHT":
        nights.append(json.loads(payload))
    elif kind == "RERUN":
        r = json.loads(payload)
        reruns.setdefault(r["night"], []).append(r)
first, last = nights[0], nights[-1]


def scanned(n):
    # builds before the roll read every touched person's window: person_daily_rows_read
    return n.get("person_daily_rows_scanned", n.get("person_daily_rows_read", 0))


def warm(night):
    """The re-runs after the first: the first of each night pays the JVM and Spark warm-up."""
    runs = reruns[night]
    return runs[1:] if len(runs) > 1 else runs


def med(night, key):
    return statistics.median(r[key] for r in warm(night))


def mib(b):
    return b / 1024 / 1024


out = []
p = out.append
p("# Traits benchmark: night 1 against night %d" % last["night"])
p("")
p("Measured by `%s` (generate a world, run every night through the registry up to `traits` in one Spark session," % command)
p("then re-run the traits job of night 1 and night %d alternately; `org.opendmp.jobs.profile.TraitsBench`)." % last["night"])
p("Whole run: %d s. Machine: %s." % (elapsed, machine))
p("")
p("## Result")
p("")
if reruns:
    n1, nl = med(1, "traits_seconds"), med(last["night"], "traits_seconds")
    p("| | night 1 | night %d | ratio |" % last["night"])
    p("|---|---|---|---|")
    p("| traits job, seconds (median of the %d warm re-runs) | %.2f | %.2f | **%.2fx** |" % (len(warm(1)), n1, nl, nl / n1))
    p("| traits job, seconds (first pass; night 1 also creates the tables) | %.2f | %.2f | %.2fx |" % (first["traits_seconds"], last["traits_seconds"], last["traits_seconds"] / first["traits_seconds"]))
    b1, bl = med(1, "input_bytes"), med(last["night"], "input_bytes")
    p("| bytes read by its tasks (MiB) | %.2f | %.2f | %.2fx |" % (mib(b1), mib(bl), bl / max(b1, 1)))
    # counts of the last warm re-run: the first pass may come from an older build (a world extended or re-run)
    r1, rl = warm(1)[-1], warm(last["night"])[-1]
    for key, label in [("events", "events of the night"), ("person_daily_rows", "partials written (gold.person_daily)"),
                       ("persons_touched", "persons touched"), ("persons_rolled", "persons rolled from the previous row"),
                       ("persons_rescanned", "persons recomputed whole"),
                       ("person_traits_scanned", "(person, trait) pairs whose window is read"),
                       ("persons_carried", "persons carried from the previous night"),
                       ("person_daily_rows_scanned", "partials aggregated for the windows"), ("traits_rows", "gold.traits rows written")]:
        a, b = (rows_out(r1), rows_out(rl)) if key == "traits_rows" else (r1.get(key, 0), rl.get(key, 0))
        p("| %s | %s | %s | %s |" % (label, format(a, ","), format(b, ","), "%.2fx" % (b / a) if a else "-"))
p("")
p("## Every night (first pass)")
p("")
p("| night | date | upstream jobs s | traits s | MiB read | events | partials | touched | recomputed | carried | partials read | traits rows |")
p("|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in nights:
    p("| %d | %s | %.1f | %.2f | %.2f | %s | %s | %s | %s | %s | %s | %s |" % (
        n["night"], n["date"], n["upstream_seconds"], n["traits_seconds"], mib(n["input_bytes"]), format(n["events"], ","),
        format(n["person_daily_rows"], ","), format(n["persons_touched"], ","), format(n["persons_recomputed"], ","),
        format(n["persons_carried"], ","), format(scanned(n), ","), format(rows_out(n), ",")))
p("")
p("## Re-runs")
p("")
p("| night | seconds | MiB read | rolled | recomputed whole | pairs scanned | partials aggregated |")
p("|---|---|---|---|---|---|---|")
for night in sorted(reruns):
    for r in reruns[night]:
        p("| %d | %.2f | %.2f | %s | %s | %s | %s |" % (night, r["traits_seconds"], mib(r["input_bytes"]), r.get("persons_rolled", "-"),
                                                    r.get("persons_rescanned", "-"), r.get("person_traits_scanned", "-"), format(scanned(r), ",")))
print("\n".join(out))
