#!/usr/bin/env python3
# benches/scaling.py RUN_DIR: the scaling curve of a benches/compare.sh
# run: how logsift's throughput follows the bundle's size (64 MiB to
# 4 GiB of logs, 1 and 2 threads, against ISA-L's `igzip -dc` on the same
# file) and the number of bundles in a batch (20 and 100). Reads
# RUN_DIR/scaling.json (hyperfine's export) and RUN_DIR/sizes.txt (name,
# bytes of logs); prints a Markdown table and writes RUN_DIR/scaling.svg
# with matplotlib (compare.sh installs it in a throwaway virtualenv).

import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

run = sys.argv[1]
times = {
    r["command"]: statistics.median(r["times"])
    for r in json.load(open(os.path.join(run, "scaling.json")))["results"]
}
sizes = {}
for line in open(os.path.join(run, "sizes.txt")):
    name, n = line.split()
    sizes[name] = int(float(n))

bundles = [s for s in sizes if not s.startswith("batch")]
bundles.sort(key=lambda s: sizes[s])
batches = sorted((s for s in sizes if s.startswith("batch")), key=lambda s: int(s[5:]))

print("| input | GB of logs | logsift -j1 s | logsift -j2 s | igzip -dc s | -j2 / igzip | -j1 / igzip |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for s in bundles:
    j1, j2, ig = times[f"{s}-j1"], times[f"{s}-j2"], times[f"{s}-igzip"]
    print(f"| {s} bundle | {sizes[s] / 1e9:.2f} | {j1:.2f} | {j2:.2f} | {ig:.2f} | {j2 / ig:.2f}x | {j1 / ig:.2f}x |")
print()
print("| batch | GB of logs | -j1 s | -j2 s | -j1 bundles/s | -j2 bundles/s | -j2 / -j1 throughput |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for s in batches:
    n = int(s[5:])
    j1, j2 = times[f"{s}-j1"], times[f"{s}-j2"]
    print(f"| {n} bundles | {sizes[s] / 1e9:.2f} | {j1:.2f} | {j2:.2f} | {n / j1:.1f} | {n / j2:.1f} | {j1 / j2:.2f}x |")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
xs = [sizes[s] / 2**30 for s in bundles]
for key, label, style in [
    ("j2", "logsift, 2 threads", "o-"),
    ("j1", "logsift, 1 thread", "s-"),
    ("igzip", "igzip -dc (inflate only)", "^--"),
]:
    ys = [sizes[s] / times[f"{s}-{key}"] / 1e9 for s in bundles]
    left.plot(xs, ys, style, label=label)
left.set_xscale("log", base=2)
left.set_xticks(xs, [s for s in bundles])
left.set_xlabel("bundle (GiB of logs)")
left.set_ylabel("GB of logs per second")
left.set_ylim(bottom=0)
left.set_title("one bundle")
left.legend()
left.grid(alpha=0.3)
counts = [int(s[5:]) for s in batches]
width = 0.35
for i, (key, label) in enumerate([("j1", "1 thread"), ("j2", "2 threads")]):
    ys = [int(s[5:]) / times[f"{s}-{key}"] for s in batches]
    right.bar([j + (i - 0.5) * width for j in range(len(batches))], ys, width, label=label)
right.set_xticks(range(len(batches)), [f"{c} bundles" for c in counts])
# Room above the bars for the legend.
right.set_ylim(top=1.3 * max(int(s[5:]) / times[f"{s}-j2"] for s in batches))
right.set_ylabel("bundles per second")
right.set_title("a batch of bundles")
right.legend(loc="upper left")
right.grid(alpha=0.3, axis="y")
fig.tight_layout()
fig.savefig(os.path.join(run, "scaling.svg"), metadata={"Date": None})
