#!/usr/bin/env bash
# Throughput of distributed training against the number of workers, on a real Spark standalone cluster started
# on this machine (a master, one worker JVM of one core per rank, one executor JVM each, loopback; docs/distributed.md):
# data-parallel, seed-shared MeZO and local SGD (average_every 4) on the nanoGPT CPU recipe's GPT at W = 1, 2, 4,
# rounds interleaved. Prints per run and as medians: step time, time in the exchange (allGather), bytes per step,
# and the allGather round trip of a 37-byte message; then whether the seed-shared step at W workers stays within
# 1.2 x the one-worker step plus that round trip. Runs niced; extra arguments go to `bin/descent-spark scaling`
# (--workers 1,2,4 --modes data_parallel,seed_zo,local_sgd:4 --steps 12 --warmup 4 --rounds 2 --rtt 40 --set key=value).
#
#   bench/spark-scaling.sh [--rounds 3] [--steps 16] ...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
echo "uptime before: $(uptime)"
nice -n 5 "$root/bin/descent-spark" scaling --config "$root/examples/shakespeare-char.yaml" "$@"
echo "uptime after: $(uptime)"
