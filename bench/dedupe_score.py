#!/usr/bin/env python3
"""Pairwise cluster precision, recall and F1 of dmp dedupe's clusters.csv against a truth column.

A pair of records is predicted-positive when both have the same cluster_id, truly-positive when both have the
same truth value; counted from cluster sizes, so it is exact over all pairs without enumerating them.

usage: dedupe_score.py INPUT.csv ID_COLUMN TRUTH_COLUMN clusters.csv
"""
import csv
import sys
from collections import Counter


def pairs(counter):
    return sum(n * (n - 1) // 2 for n in counter.values())


def main():
    src, id_col, truth_col, clusters = sys.argv[1:5]
    truth = {r[id_col].strip(): r[truth_col].strip() for r in csv.DictReader(open(src, newline="", encoding="utf-8"))}
    pred = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(open(clusters, newline="", encoding="utf-8"))}
    assert set(pred) == set(truth), "clusters.csv must hold every record once"
    t = Counter(truth.values())
    p = Counter(pred.values())
    both = Counter((pred[i], truth[i]) for i in truth)
    tp, pp, tt = pairs(both), pairs(p), pairs(t)
    precision = tp / pp if pp else 0.0
    recall = tp / tt if tt else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"records={len(truth)} true_pairs={tt} predicted_pairs={pp} correct_pairs={tp} "
          f"precision={precision:.4f} recall={recall:.4f} f1={f1:.4f}")


if __name__ == "__main__":
    main()
