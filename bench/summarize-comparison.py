#!/usr/bin/env python3
"""Summarises bench/compare-optimizers.sh output: final validation loss (mean ± std over seeds) and
the iterations each optimizer needs to reach AdamW's mean final validation loss (first evaluation at
or below it, every 100 steps, on the same 20 fixed batches), as a Markdown table."""
import json, statistics, sys, os

out = sys.argv[1]
runs = [json.loads(l) for l in open(os.path.join(out, "results.jsonl")) if l.strip()]
final = [r for r in runs if r["phase"] == "final" and "final_val_loss" in r["result"]]
sweep = [r for r in runs if r["phase"] == "sweep"]

def curve(run_dir):
    pts = []
    for line in open(os.path.join(run_dir, "metrics.jsonl")):
        d = json.loads(line)
        if "val_loss" in d:
            pts.append((d["step"], d["val_loss"]))
    return pts

by = {}
for r in final:
    by.setdefault(r["optimizer"], []).append(r)

target = None
if "adamw" in by:
    target = statistics.mean(r["result"]["final_val_loss"] for r in by["adamw"])

def reach(run_dir):
    # the periodic evaluations use 20 batches; the last point (step 2000) uses 200
    for step, v in curve(run_dir):
        if v <= target:
            return step
    return None

print("| optimizer | lr (swept) | seeds | final val loss (200 batches) | iterations to AdamW's final loss | vs AdamW | train s/run |")
print("|---|---|---|---|---|---|---|")
adamw_iters = None
rows = []
for name, rs in by.items():
    losses = [r["result"]["final_val_loss"] for r in rs]
    mean = statistics.mean(losses)
    sd = statistics.stdev(losses) if len(losses) > 1 else 0.0
    its = [reach(r["run_dir"]) for r in rs] if target is not None else []
    reached = [i for i in its if i is not None]
    it_mean = statistics.mean(reached) if len(reached) == len(its) and its else None
    if name == "adamw":
        adamw_iters = it_mean
    secs = statistics.mean(r["result"]["train_seconds"] for r in rs)
    rows.append((name, rs[0]["lr"], len(rs), mean, sd, it_mean, len(reached), len(its), secs))
for name, lr, n, mean, sd, it_mean, nr, ni, secs in rows:
    if it_mean is not None:
        ratio = f"{it_mean / adamw_iters:.2f}×" if adamw_iters else "–"
        it_txt = f"{it_mean:.0f}"
    else:
        ratio = "–"
        it_txt = f"not reached ({nr}/{ni} runs reached it)"
    print(f"| {name} | {lr:g} | {n} | {mean:.4f} ± {sd:.4f} | {it_txt} | {ratio} | {secs:.0f} |")
if target is not None:
    print(f"\nAdamW's mean final validation loss (the target): {target:.4f}")
print("\nLearning-rate sweep (500 iterations, seed 1337, val loss on 200 batches):\n")
print("| optimizer | lr | val loss |")
print("|---|---|---|")
for r in sweep:
    print(f"| {r['optimizer']} | {r['lr']:g} | {r['result'].get('final_val_loss', float('nan')):.4f} |")
