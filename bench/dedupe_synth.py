#!/usr/bin/env python3
"""A larger person file for the dedupe benchmark, made by duplicating persons_fake_1000.csv with noise.

Each copy k of the 1,000 records becomes new people: every true entity gets new names (from a large syllable
vocabulary with a skewed, name-like frequency), a shifted birth date, a new email; the kind of noise each record
had in the original is applied again to the new values (same field blank, typo, names swapped, date off by the
same number of days). Cities are kept (they are shared by many people in real data too). Deterministic.

usage: dedupe_synth.py IN.csv OUT.csv COPIES [SEED]
"""
import csv
import random
import sys
from collections import Counter
from datetime import date, timedelta

SYL = ["ka", "ro", "len", "mi", "sa", "to", "ra", "bel", "dan", "el", "li", "na", "vo", "gar", "ty", "son", "mar",
       "is", "an", "dre", "lu", "ce", "fi", "ord", "ham", "wen", "ber", "ton", "ly", "ne", "jo", "qui", "ste", "pa"]


def vocabulary(rng, n, parts):
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYL) for _ in range(rng.choice(parts))).capitalize())
    return sorted(words)


def zipf_pick(rng, words):
    # name-like skew: a few names are common, most are rare
    i = int(len(words) * (rng.random() ** 3))
    return words[min(i, len(words) - 1)]


def typo(rng, s):
    if not s or len(s) < 3:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.randrange(3)
    if op == 0:
        return s[:i] + s[i + 1:]
    if op == 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + s[i + 1:]


def main():
    src, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 42
    rng = random.Random(seed)
    first_words = vocabulary(rng, 4000, [2, 2, 3])
    last_words = vocabulary(rng, 12000, [2, 3, 3])
    domains = [w.lower() + tld for w in vocabulary(rng, 300, [2, 3]) for tld in (".com", ".net", ".org")]
    rows = list(csv.DictReader(open(src, newline="", encoding="utf-8")))
    by_cluster = {}
    for r in rows:
        by_cluster.setdefault(r["cluster"], []).append(r)
    canon = {}
    for c, rs in by_cluster.items():
        canon[c] = {f: (Counter(v for v in (x[f].strip() for x in rs) if v).most_common(1) or [("", 0)])[0][0]
                    for f in ("first_name", "surname", "dob", "email")}
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["unique_id", "first_name", "surname", "dob", "city", "email", "cluster"])
        uid = 0
        for k in range(copies):
            new = {}
            for c in by_cluster:
                e = random.Random(f"{seed}:{k}:{c}")
                dob = date.fromisoformat(canon[c]["dob"]) if canon[c]["dob"] else date(1980, 1, 1)
                new[c] = {
                    "first_name": zipf_pick(e, first_words),
                    "surname": zipf_pick(e, last_words),
                    "dob": dob + timedelta(days=e.randrange(-9000, 9000)) if k else dob,
                    "email": "".join(e.choice(SYL) for _ in range(3)) + str(e.randrange(100)) + "@" + e.choice(domains),
                }
            for r in rows:
                c = r["cluster"]
                e = random.Random(f"{seed}:{k}:{r['unique_id']}")
                o, n = canon[c], new[c]
                rec = {}
                for f in ("first_name", "surname", "email"):
                    v = r[f].strip()
                    other = "surname" if f == "first_name" else "first_name" if f == "surname" else None
                    if not v:
                        rec[f] = ""
                    elif v == o[f]:
                        rec[f] = n[f]
                    elif other and v == o[other]:
                        rec[f] = n[other]  # names swapped in the original: swap them here too
                    else:
                        rec[f] = typo(e, n[f])
                v = r["dob"].strip()
                if not v:
                    rec["dob"] = ""
                else:
                    try:
                        delta = date.fromisoformat(v) - date.fromisoformat(o["dob"])
                        rec["dob"] = (n["dob"] + delta).isoformat()
                    except ValueError:
                        rec["dob"] = v
                w.writerow([uid, rec["first_name"], rec["surname"], rec["dob"], r["city"], rec["email"], f"{k}_{c}"])
                uid += 1


if __name__ == "__main__":
    main()
