#!/usr/bin/env bash
# Likelihood side by side with PyTorch: for each seed, trains a vae4j preset for its full epochs on mnist10k and the
# same model in PyTorch (src/bench/python/torch_vae.py), evaluates both with importance sampling (k = 500 by default)
# on the 997 test images, and prints one row per seed and the mean ± sd of each. Runs are sequential, never parallel.
#
#   bin/likelihood-seeds.sh [--config configs/mnist-reference.json] [--arch mlp] [--k 500] [--torch-init torch]
#                           [--out runs/likelihood] [--no-torch] [--resume] SEED...
#
# --resume keeps what an earlier, interrupted run of the same command finished (a seed's evaluation.json, PyTorch's
# JSON line) and computes only the rest.
#
# Needs Debian's python3-torch for the PyTorch side (apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="$root/configs/mnist-reference.json"; arch=mlp; k=500; out="$root/runs/likelihood"; torch=1; init=torch; resume=0
seeds=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --arch) arch="$2"; shift 2 ;;
    --k) k="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --torch-init) init="$2"; shift 2 ;;
    --no-torch) torch=0; shift ;;
    --resume) resume=1; shift ;;
    -*) echo "likelihood-seeds: unknown flag $1" >&2; exit 2 ;;
    *) seeds+=("$1"); shift ;;
  esac
done
[[ ${#seeds[@]} -gt 0 ]] || { echo "likelihood-seeds: give at least one seed" >&2; exit 2; }
mkdir -p "$out"
# shellcheck source=bin/native-env.sh
source "$root/bin/native-env.sh"
results="$out/results.jsonl"
: > "$results"
for s in "${seeds[@]}"; do
  run="$out/vae4j-seed$s"
  if [[ $resume == 0 || ! -f "$run/evaluation.json" ]]; then
    "$root/vae4j" train --config "$config" --seed "$s" --no-images --no-progress -o "$run" > "$run.log" 2>&1
    "$root/vae4j" evaluate --model "$run/model.zip" --k "$k" --elbo-samples 1 --out "$run/evaluation.json" \
      > "$run/evaluate.log" 2>&1
  fi
  /usr/bin/python3 -c "import json,sys; e=json.load(open('$run/evaluation.json')); print(json.dumps({'system':'vae4j','seed':$s,'log_px':e['logLikelihood'],'neg_elbo':e['negativeElbo']}))" >> "$results"
  if [[ $torch == 1 ]]; then
    [[ $resume == 1 && -s "$out/torch-seed$s.json" ]] || OMP_NUM_THREADS=2 /usr/bin/python3 "$root/src/bench/python/torch_vae.py" --arch "$arch" --init "$init" --seed "$s" \
      --k "$k" --threads 2 --data-dir "$root/../shared/data" --quiet > "$out/torch-seed$s.json"
    /usr/bin/python3 -c "import json; e=json.loads(open('$out/torch-seed$s.json').read().strip().splitlines()[-1]); print(json.dumps({'system':'pytorch','seed':$s,'log_px':e['test_log_px'],'neg_elbo':e['test_neg_elbo']}))" >> "$results"
  fi
  tail -n "$((torch + 1))" "$results"
done
/usr/bin/python3 - "$results" "$k" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
k = sys.argv[2]
systems = sorted({r['system'] for r in rows}, reverse=True)
seeds = sorted({r['seed'] for r in rows})
print(f"| seed | " + " | ".join(f"{s} log p(x), IS k={k}" for s in systems) + " |")
print("|---|" + "---|" * len(systems))
for seed in seeds:
    print(f"| {seed} | " + " | ".join(f"{r['log_px']:.3f}" for s in systems for r in rows if r['system'] == s and r['seed'] == seed) + " |")
def stat(s):
    v = [r['log_px'] for r in rows if r['system'] == s]
    return f"{statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}" if len(v) > 1 else f"{v[0]:.3f}"
print("| mean ± sd | " + " | ".join(stat(s) for s in systems) + " |")
PY
