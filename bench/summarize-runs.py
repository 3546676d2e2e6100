#!/usr/bin/env python3
"""Prints a markdown summary of a `bin/descent bench run` store: per optimizer (its best setting on each
problem), the final metric mean ± sd over seeds on every problem, and the mean rank over the problems it
ran on ("—": not run there; "diverged": no run finished, ranked last).

    python3 bench/summarize-runs.py bench-results/quick/runs.db
"""
import json
import sqlite3
import statistics
import sys
from collections import defaultdict

db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT problem, optimizer, hyper_json, final_metric, higher_is_better, metric_name, status FROM runs").fetchall()
problems = sorted({r[0] for r in rows})
per = defaultdict(list)          # (problem, optimizer, hyper) -> finished metrics
counts = defaultdict(int)
meta = {}
for p, o, h, m, hib, name, status in rows:
    counts[(p, o, h)] += 1
    meta[p] = (hib, name)
    if status == "finished" and m is not None:
        per[(p, o, h)].append(m)

best = {}                        # (problem, optimizer) -> (mean, sd, n, total)
for (p, o, h), ms in per.items():
    mean = statistics.fmean(ms)
    sd = statistics.stdev(ms) if len(ms) > 1 else 0.0
    better = (lambda a, b: a > b) if meta[p][0] else (lambda a, b: a < b)
    cur = best.get((p, o))
    if cur is None or better(mean, cur[0]):
        best[(p, o)] = (mean, sd, len(ms), counts[(p, o, h)])

optimizers = sorted({r[1] for r in rows})
ranks = defaultdict(list)
for p in problems:
    hib = meta[p][0]
    entries = sorted(((v[0], o) for (pp, o), v in best.items() if pp == p), reverse=bool(hib))
    for i, (_, o) in enumerate(entries):
        ranks[o].append(i + 1)
    ran = {o for (pp, o, h) in counts if pp == p}
    for o in ran:
        if (p, o) not in best:
            ranks[o].append(len(ran))  # ran but never finished (diverged): ranked last

def fmt(p, o):
    v = best.get((p, o))
    if v is None:
        return "diverged" if any(pp == p and oo == o for (pp, oo, h) in counts) else "—"
    mean, sd, n, total = v
    digits = 4 if meta[p][0] else 3
    s = f"{mean:.{digits}f} ± {sd:.{digits}f}" if meta[p][0] else f"{mean:.3g} ± {sd:.2g}"
    return s + ("" if n == total else f" ({n}/{total})")

order = sorted(optimizers, key=lambda o: statistics.fmean(ranks[o]))
print("| optimizer | " + " | ".join(f"{p} ({meta[p][1]}, {'↑' if meta[p][0] else '↓'})" for p in problems) + " | mean rank |")
print("|---|" + "---|" * len(problems) + "---|")
for o in order:
    print(f"| `{o}` | " + " | ".join(fmt(p, o) for p in problems) + f" | {statistics.fmean(ranks[o]):.1f} |")
