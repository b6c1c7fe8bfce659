#!/usr/bin/env bash
# The objectives on mnist10k (issue "Objectives and conditioning", docs/benchmarks.md "Objectives"): for each seed,
# trains the reference MLP with the ELBO, IWAE-5 and IWAE-50, and the 50-dimensional latent with the plain ELBO, free
# bits 0.25 and the cyclical schedule, all for the same epochs; evaluates each on the 997 test images with importance
# sampling (k = 5000); then prints the Markdown table (mean ± sd over the seeds).
#
# usage: src/bench/objectives-benchmark.sh [OUT_DIR [SEEDS [EPOCHS [K]]]]   (defaults: runs/objectives "1 2 3" 30 5000)
# Runs the commands one at a time; nothing else should run on the machine meanwhile (the ex/s column is a timing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-runs/objectives}"
seeds="${2:-1 2 3}"
epochs="${3:-30}"
k="${4:-5000}"
mkdir -p "$out"
variants=(
  "elbo|"
  "iwae5|--objective iwae --k 5"
  "iwae50|--objective iwae --k 50"
  "latent50-elbo|--latent 50"
  "latent50-freebits|--config configs/latent50-freebits-mnist.json"
  "latent50-cyclical|--config configs/latent50-cyclical-mnist.json"
)
for seed in $seeds; do
  for v in "${variants[@]}"; do
    name="${v%%|*}"
    flags="${v#*|}"
    dir="$out/$name-seed$seed"
    if [[ -f "$dir/eval.json" ]]; then
      echo "skip $dir (done)"
      continue
    fi
    echo "== $name seed $seed: train $flags"
    # shellcheck disable=SC2086
    "$root/vae4j" train $flags --epochs "$epochs" --seed "$seed" -o "$dir" --no-progress --no-images > "$dir.train.log" 2>&1
    tail -n 2 "$dir.train.log"
    "$root/vae4j" evaluate --model "$dir/model.zip" --k "$k" --seed "$seed" --out "$dir/eval.json" > "$dir.eval.log" 2>&1
    grep -E "log p\(x\)|objective|active" "$dir.eval.log"
  done
done
python3 "$root/src/bench/python/objectives_table.py" "$out" | tee "$out/objectives.md"
