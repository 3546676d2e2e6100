#!/usr/bin/env python3
"""Markdown tables of bench/zo-finetune.sh's runs (docs/zeroth-order.md, MeZO fine-tuning).

Counting: a zeroth-order step of MeZO or ZO-Adam with q = 1 is 2 forward passes (its `queries`), one of
ZoVH (blocks=tensor, K = 3) is 3;
an AdamW step is 1 forward + 1 backward pass, counted as 1 forward pass and as 3 forward-equivalent
passes (backward taken as 2 forwards). "slice" is the loss on fixed batches (eval_iters of them) of the
held-out slice being fine-tuned on; "val" is the validation split, seen by neither run.
Usage: bench/summarize-finetune.py OUT_DIR
"""
import json
import pathlib
import re
import statistics
import sys

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/zo-finetune")
NAMES = {"mezo": "MeZO", "zo_adam": "ZO-Adam", "zovh": "ZoVH", "adamw": "AdamW"}
QUERIES_PER_STEP = {"mezo": 2, "zo_adam": 2, "zovh": 3}


def evals(run):
    """{step: (slice loss, val loss)} of a run's evaluation lines."""
    res = {}
    for line in (out / run / "metrics.jsonl").read_text().splitlines():
        d = json.loads(line)
        if "val_loss" in d:
            res[d["step"]] = (d["train_loss"], d["val_loss"])
    return res


def passes(opt, step):
    """(forward passes, forward-equivalent passes) after `step` steps."""
    return (step, 3 * step) if opt == "adamw" else (QUERIES_PER_STEP[opt] * step,) * 2


def fmt(xs):
    m = statistics.mean(xs)
    return f"{m:.4f}" if len(xs) == 1 else f"{m:.4f} ± {statistics.stdev(xs):.4f}"


# Sweep.
rows = []
for d in sorted(out.glob("sweep-*/metrics.jsonl")):
    _, opt, lr = d.parent.name.split("-", 2)
    e = evals(d.parent.name)
    step = max(e)
    rows.append((opt, float(lr), lr, step, e[step]))
if rows:
    print("Learning-rate sweep (seed 1, 600 forward passes; constant learning rate):\n")
    print("| optimizer | lr | steps | forward passes | forward-equivalent | slice loss | val loss |")
    print("|---|---|---|---|---|---|---|")
    for opt, _, lr, step, (sl, vl) in sorted(rows, key=lambda r: (list(NAMES).index(r[0]), r[1])):
        f, fe = passes(opt, step)
        print(f"| {NAMES[opt]} | {lr} | {step} | {f} | {fe} | {sl:.4f} | {vl:.4f} |")
    print()

# Final runs: loss vs forward passes, mean ± sd over seeds.
finals = {}
for d in sorted(out.glob("final-*-s*/metrics.jsonl")):
    m = re.match(r"final-(.+)-s(\d+)$", d.parent.name)
    finals.setdefault(m.group(1), {})[int(m.group(2))] = evals(d.parent.name)
if finals:
    seeds = sorted(finals.get("start", {}))
    start = [finals["start"][s][0] for s in seeds]
    lrs = {}
    for opt in NAMES:
        for s in seeds:
            cfg = out / f"final-{opt}-s{s}" / "config.yaml"
            if cfg.exists():
                lr = float(re.search(r"learning_rate: (\S+)", cfg.read_text()).group(1))
                lrs[opt] = f"{lr:g}"
    print(f"Loss vs forward passes (seeds {', '.join(map(str, seeds))}; mean ± sd over seeds; step 0 = the pre-trained model; "
          "each seed has its own evaluation batches and data order):\n")
    print("| optimizer (lr) | steps | forward passes | forward-equivalent | slice loss | Δ slice vs step 0 | val loss |")
    print("|---|---|---|---|---|---|---|")
    print(f"| pre-trained | 0 | 0 | 0 | {fmt([x[0] for x in start])} | 0 | {fmt([x[1] for x in start])} |")
    for opt in NAMES:
        runs = finals.get(opt)
        if not runs:
            continue
        last = max(max(r) if r else 0 for r in runs.values())
        runs = {sd: r for sd, r in runs.items() if last in r}  # finished runs only
        steps = sorted(set.intersection(*(set(r) for r in runs.values())))
        show = [s for s in steps if s in (steps[len(steps) // 3 - 1], steps[2 * len(steps) // 3 - 1], steps[-1])] \
            if len(steps) > 4 else steps
        for st in show:
            f, fe = passes(opt, st)
            delta = [r[st][0] - finals["start"][sd][0][0] for sd, r in runs.items()]  # paired: same seed, same batches
            print(f"| {NAMES[opt]} ({lrs.get(opt, '?')}) | {st} | {f} | {fe} | {fmt([r[st][0] for r in runs.values()])} | "
                  f"{fmt(delta)} | {fmt([r[st][1] for r in runs.values()])} |")
    print()
    # Full curves, for plotting.
    curves = {opt: {st: [r[st][0] for r in runs.values() if st in r] for st in sorted(next(iter(runs.values())))}
              for opt, runs in finals.items() if opt != "start"}
    (out / "curves.json").write_text(json.dumps(curves))

mem = out / "memory.txt"
if mem.exists():
    print("Peak live heap (bin/descent bench memory --init-from):\n")
    print("```")
    print(mem.read_text().rstrip())
    print("```")
