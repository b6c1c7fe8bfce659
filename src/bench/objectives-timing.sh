#!/usr/bin/env bash
# Training cost of each objective on this machine, nothing else running: `vae4j train` of the reference MLP on
# mnist10k for EPOCHS epochs per objective, one after the other, twice round; prints the median epoch's examples/s
# of each run (the first epoch left out) and its ratio to the ELBO's in the same round.
# usage: src/bench/objectives-timing.sh [EPOCHS]   (default 6)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
epochs="${1:-6}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for round in 1 2; do
  elbo=""
  for v in "elbo|" "iwae5|--objective iwae --k 5" "iwae50|--objective iwae --k 50"; do
    name="${v%%|*}"
    # shellcheck disable=SC2086
    "$root/vae4j" train ${v#*|} --epochs "$epochs" --no-images --no-progress -o "$dir/$name" > "$dir/$name.log" 2>&1
    rate=$(tail -n +2 "$dir/$name/metrics.jsonl" | sed 's/.*"examplesPerSecond":\([0-9.]*\).*/\1/' | median)
    [[ -z "$elbo" ]] && elbo="$rate"
    printf 'round %d %-7s %8.0f ex/s  %.3f x the ELBO\n' "$round" "$name" "$rate" "$(echo "$rate / $elbo" | bc -l)"
  done
done
