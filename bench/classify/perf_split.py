#!/usr/bin/env python3
"""Splits a `perf record -g` profile of `groupwarden-bench classify` into where the
classification time goes.

    perf record -g -o perf.data -- taskset -c 0 $GROUPWARDEN_BENCH classify --passes 8 CORPUS LEXICON
    perf script -i perf.data | bench/classify/perf_split.py

Only samples with `RuleClassifier.classify` on their call chain count (loading the corpus and
compiling the pack are left out). Each is put in one bucket by its leaf frame: Hyperscan's scan
(libhs), normalisation, matches → evidence (the match callback, `collect`, offset mapping), and
the rest (verdicts, allocation, reference counting, locks). Prints samples and shares, then the
busiest leaves of the rest.
"""
import collections
import re
import sys

FRAME = re.compile(r"\s+[0-9a-f]+\s+(.*?)\s+\((.*)\)$")
NORMALISATION = ("TextNormalizer", "NormalizerWriter", "copyVerbatim")
EVIDENCE = ("collect", "originalRange", "originalStart", "originalEnd", "onHyperscanMatch")


def bucket(chain):
    if not any("RuleClassifierC8classify" in symbol for symbol, _ in chain):
        return None
    leaf, dso = chain[0]
    if "libhs" in dso:
        return "hs_scan"
    if any(name in leaf for name in NORMALISATION):
        return "normalisation"
    if any(name in leaf for name in EVIDENCE):
        return "matches -> evidence"
    return "rest"


def samples(lines):
    chain = None
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if chain:
                yield chain
            chain = None
        elif not line[0].isspace():
            chain = []
        elif chain is not None:
            m = FRAME.match(line)
            if m:
                chain.append((m.group(1), m.group(2)))
    if chain:
        yield chain


def main():
    counts = collections.Counter()
    rest = collections.Counter()
    for chain in samples(sys.stdin):
        b = bucket(chain)
        if b:
            counts[b] += 1
            if b == "rest":
                rest[chain[0][0][:100]] += 1
    total = sum(counts.values()) or 1
    for name in ("hs_scan", "normalisation", "matches -> evidence", "rest"):
        print(f"{name:20s} {counts[name]:7d} {100 * counts[name] / total:5.1f}%")
    print(f"{'classify samples':20s} {total:7d}")
    print("busiest leaves of the rest:")
    for leaf, n in rest.most_common(12):
        print(f"  {100 * n / total:4.1f}% {leaf}")


if __name__ == "__main__":
    main()
