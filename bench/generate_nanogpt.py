#!/usr/bin/env python3
"""nanoGPT's generate() timed on the shape of `descent bench generate`: the peer side of that benchmark.

Usage: generate_nanogpt.py NANOGPT_DIR [--batch 16] [--prompt 64] [--new 256] [--block 320]
                           [--reps 1] [--threads 2] [--step-reps 20]

NANOGPT_DIR is a nanoGPT checkout; its model.py is imported from there (nothing is copied). The model
is nanoGPT's GPT with n_layer 4, n_head 4, n_embd 128, vocab 65, bias False, dropout 0 (the
Shakespeare-char recipe) and block_size --block, randomly initialised; weights do not change the cost.
Prints one JSON line: tokens/s of each generate() call (batch x new tokens / wall time, after one
warm-up call), and the median time of one generation step (a forward over the whole context, which
is what nanoGPT's generate runs per token) at context lengths 16 and 256.
Exits 0 with {"skipped": ...} when torch is not installed.
"""
import argparse
import json
import statistics
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nanogpt_dir")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--prompt", type=int, default=64)
    ap.add_argument("--new", type=int, default=256)
    ap.add_argument("--block", type=int, default=320)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--step-reps", type=int, default=20)
    a = ap.parse_args()
    try:
        import torch
    except ImportError:
        print(json.dumps({"skipped": "torch is not installed for " + sys.executable}))
        return
    sys.path.insert(0, a.nanogpt_dir)
    from model import GPT, GPTConfig  # nanoGPT's model.py

    torch.set_num_threads(a.threads)
    torch.manual_seed(1337)
    cfg = GPTConfig(block_size=a.block, vocab_size=65, n_layer=4, n_head=4, n_embd=128, dropout=0.0, bias=False)
    model = GPT(cfg)
    model.eval()
    prompts = torch.randint(65, (a.batch, a.prompt))
    with torch.no_grad():
        model.generate(prompts, 16)  # warm-up
        rates = []
        for _ in range(a.reps):
            t0 = time.perf_counter()
            model.generate(prompts, a.new)
            rates.append(a.batch * a.new / (time.perf_counter() - t0))
        ctx = torch.randint(65, (a.batch, 256))
        step = {}
        for length in (16, 256):
            times = []
            for _ in range(a.step_reps):
                t0 = time.perf_counter()
                model(ctx[:, :length])
                times.append(time.perf_counter() - t0)
            step[length] = statistics.median(times) * 1e3
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "tokens_per_s": rates,
                      "step_ms_16": step[16], "step_ms_256": step[256]}))


if __name__ == "__main__":
    main()
