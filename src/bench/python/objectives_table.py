"""Summarizes src/bench/objectives-benchmark.sh's runs as a Markdown table: mean ± sd over the seeds of each variant.

usage: python3 objectives_table.py RUNS_DIR
Reads RUNS_DIR/<variant>-seed<N>/eval.json (vae4j evaluate) and metrics.jsonl (vae4j train).
"""
import json
import pathlib
import re
import statistics
import sys

ORDER = ["elbo", "iwae5", "iwae50", "latent50-elbo", "latent50-freebits", "latent50-cyclical"]


def mean_sd(values, digits=2):
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def main(root):
    runs = {}
    for d in sorted(pathlib.Path(root).iterdir()):
        m = re.fullmatch(r"(.+)-seed(\d+)", d.name)
        if not m or not (d / "eval.json").exists():
            continue
        ev = json.loads((d / "eval.json").read_text())
        epochs = [json.loads(line) for line in (d / "metrics.jsonl").read_text().splitlines()]
        rate = statistics.median(e["examplesPerSecond"] for e in epochs)
        runs.setdefault(m.group(1), []).append((int(m.group(2)), ev, rate, len(epochs)))
    k = next(iter(runs.values()))[0][1]["importanceSamples"]
    print(f"| variant | objective | seeds | epochs | test log p(x), IS k={k} | test −ELBO | active units |")
    print("|---|---|---|---|---|---|---|")
    for name in ORDER + sorted(set(runs) - set(ORDER)):
        if name not in runs:
            continue
        rs = sorted(runs[name])
        evs = [r[1] for r in rs]
        print(f"| {name} | {evs[0]['objective']} | {','.join(str(r[0]) for r in rs)} | {rs[0][3]} "
              f"| {mean_sd([e['logLikelihood'] for e in evs])} | {mean_sd([e['negativeElbo'] for e in evs])} "
              f"| {mean_sd([e['activeUnits'] for e in evs], 1)} / {len(evs[0]['klPerDimension'])} |")


if __name__ == "__main__":
    main(sys.argv[1])
