#!/usr/bin/env python3
"""Side-by-side training speed: nanoGPT's train.py (PyTorch, CPU) against `bin/descent train`.

Usage (normally through bench/pytorch-compare.sh, which sets the thread environment):
  pytorch_compare.py NANOGPT_DIR [--sizes recipe,medium,default] [--steps N] [--rounds R] [--threads T]

For every size and round the two programs run one after the other (the order alternates between
rounds, so a change in the machine's load hits both alike), each for the same number of steps of the
same model and batch on the same text (Tiny Shakespeare, characters). Per run it reads the time of
every step (nanoGPT's "iter N: ... time X ms" lines; Descent's metrics.jsonl step_seconds), drops
the first WARMUP steps (JIT compilation, allocator warm-up, nanoGPT's evaluation at iteration 0),
and reports the median and max/median of the rest, the process's peak resident memory (wait4's
ru_maxrss) and, for Descent, three peaks of the Java heap from its GC log: in use before a
collection (live data plus garbage), live after a collection, and committed (what the JVM holds).
The ratio is Descent's median over PyTorch's, per round; the summary gives the median over rounds.

nanoGPT's data files (train.bin, val.bin, meta.pkl: uint16 character ids, 90/10 split, vocabulary
the sorted set of characters, the layout of its data/shakespeare_char/prepare.py) are written into a
temporary directory from the copy of the text bundled with Descent, and nanoGPT's sources are linked
there, so the checkout itself is not modified and nothing is downloaded.
"""
import argparse
import json
import os
import pickle
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np

WARMUP = 2

# name -> (n_layer, n_head, n_embd, block_size, batch_size, dropout)
SIZES = {
    "recipe": (4, 4, 128, 64, 12, 0.0),     # nanoGPT README's CPU recipe
    "medium": (6, 6, 192, 128, 32, 0.0),
    "default": (6, 6, 384, 256, 64, 0.2),   # config/train_shakespeare_char.py (10.7M parameters)
}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT = os.path.join(ROOT, "descent-core", "src", "main", "resources", "dev", "descent", "data", "tinyshakespeare.txt")


def prepare_nanogpt(nanogpt, work):
    """A working directory with nanoGPT's sources linked and its shakespeare_char data written."""
    for name in ("train.py", "model.py", "configurator.py", "config"):
        os.symlink(os.path.join(nanogpt, name), os.path.join(work, name))
    data_dir = os.path.join(work, "data", "shakespeare_char")
    os.makedirs(data_dir)
    with open(TEXT, "r", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    itos = {i: ch for i, ch in enumerate(chars)}
    ids = np.array([stoi[c] for c in text], dtype=np.uint16)
    split = int(len(ids) * 0.9)
    ids[:split].tofile(os.path.join(data_dir, "train.bin"))
    ids[split:].tofile(os.path.join(data_dir, "val.bin"))
    with open(os.path.join(data_dir, "meta.pkl"), "wb") as f:
        pickle.dump({"vocab_size": len(chars), "itos": itos, "stoi": stoi}, f)


def run(cmd, cwd, env, log):
    """Runs cmd to completion; returns (exit code, peak RSS in MiB)."""
    with open(log, "w") as out:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, usage.ru_maxrss / 1024.0


def summarise(step_ms):
    steady = step_ms[WARMUP:] if len(step_ms) > WARMUP else step_ms
    med = statistics.median(steady)
    return med, max(steady) / med, len(steady)


def torch_run(size, args, work, env, tag):
    n_layer, n_head, n_embd, block, batch, dropout = SIZES[size]
    out_dir = os.path.join(work, "out-" + tag)
    cmd = [args.python, "train.py", "config/train_shakespeare_char.py", "--device=cpu", "--compile=False",
           "--eval_iters=1", "--eval_interval=1000000", "--log_interval=1", "--always_save_checkpoint=False",
           f"--max_iters={args.steps}", "--lr_decay_iters=2000", f"--n_layer={n_layer}", f"--n_head={n_head}",
           f"--n_embd={n_embd}", f"--block_size={block}", f"--batch_size={batch}", f"--dropout={dropout}",
           f"--out_dir={out_dir}"]
    log = os.path.join(work, tag + ".log")
    code, rss = run(cmd, work, env, log)
    with open(log) as f:
        text = f.read()
    if code != 0:
        raise RuntimeError(f"nanoGPT exited with {code}; last lines:\n" + "\n".join(text.splitlines()[-15:]))
    ms = [float(m.group(1)) for m in re.finditer(r"^iter \d+: loss [^,]+, time ([0-9.]+)ms", text, re.M)]
    return ms, rss, None


def descent_run(size, args, work, env, tag):
    n_layer, n_head, n_embd, block, batch, dropout = SIZES[size]
    out_dir = os.path.join(work, "run-" + tag)
    gc_log = os.path.join(work, tag + ".gc.log")
    env = dict(env)
    env["DESCENT_JAVA_OPTS"] = (env.get("DESCENT_JAVA_OPTS", "") + f" -Xlog:gc:file={gc_log}").strip()
    sets = {"n_layer": n_layer, "n_head": n_head, "n_embd": n_embd, "block_size": block, "batch_size": batch,
            "dropout": dropout, "max_iters": args.steps, "eval_interval": 1000000, "eval_iters": 1,
            "final_eval_iters": 1, "log_interval": 1, "sample_tokens": 0, "threads": args.threads,
            "out_dir": out_dir}
    cmd = [os.path.join(ROOT, "bin", "descent"), "train", "--config", os.path.join(ROOT, "examples", "shakespeare-char.yaml")]
    for k, v in sets.items():
        cmd += ["--set", f"{k}={v}"]
    log = os.path.join(work, tag + ".log")
    code, rss = run(cmd, work, env, log)
    if code != 0:
        with open(log) as f:
            raise RuntimeError(f"descent exited with {code}; last lines:\n" + "\n".join(f.read().splitlines()[-15:]))
    ms = []
    with open(os.path.join(out_dir, "metrics.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            if "step_seconds" in rec:
                ms.append(1000.0 * rec["step_seconds"])
    heap = None
    if os.path.exists(gc_log):
        with open(gc_log) as f:
            sizes = [tuple(int(g) for g in m.groups()) for m in re.finditer(r"(\d+)M->(\d+)M\((\d+)M\)", f.read())]
        if sizes:
            heap = "/".join(str(max(s[i] for s in sizes)) for i in range(3))
    return ms, rss, heap


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("nanogpt", help="path of a nanoGPT checkout (train.py, model.py, config/)")
    ap.add_argument("--sizes", default="recipe,medium", help="comma-separated: " + ", ".join(SIZES))
    ap.add_argument("--steps", type=int, default=20, help="training steps per run (first %d not timed)" % WARMUP)
    ap.add_argument("--rounds", type=int, default=2, help="interleaved runs of each program per size")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "2")))
    ap.add_argument("--python", default=sys.executable, help="python with torch for nanoGPT")
    ap.add_argument("--keep", action="store_true", help="keep the working directory (logs, GC logs)")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.nanogpt, "train.py")):
        sys.exit(f"pytorch-compare: no train.py in {args.nanogpt} (give the path of a nanoGPT checkout)")
    sizes = args.sizes.split(",")
    for s in sizes:
        if s not in SIZES:
            sys.exit(f"pytorch-compare: unknown size '{s}' (allowed: {', '.join(SIZES)})")
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(args.threads)
    work = tempfile.mkdtemp(prefix="descent-vs-torch-")
    try:
        prepare_nanogpt(os.path.abspath(args.nanogpt), work)
        print(f"{'size':8} {'round':>5} {'program':8} {'ms/step':>9} {'max/med':>8} {'steps':>5} {'peak RSS MiB':>12} "
              f"{'heap used/live/committed MiB':>28}")
        summary = {}
        for size in sizes:
            ratios = []
            for r in range(args.rounds):
                order = [("torch", torch_run), ("descent", descent_run)]
                if r % 2 == 1:
                    order.reverse()
                res = {}
                for name, fn in order:
                    ms, rss, heap = fn(size, args, work, env, f"{size}-{r}-{name}")
                    med, spread, n = summarise(ms)
                    res[name] = med
                    print(f"{size:8} {r:>5} {name:8} {med:9.1f} {spread:8.2f} {n:5d} {rss:12.0f} {heap if heap else '-':>28}",
                          flush=True)
                ratios.append(res["descent"] / res["torch"])
            summary[size] = ratios
        print()
        for size, ratios in summary.items():
            print(f"{size}: Descent / PyTorch ms/step = {statistics.median(ratios):.2f} "
                  f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)}; below 1 means Descent is faster)")
    finally:
        if args.keep:
            print("logs in " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
