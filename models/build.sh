#!/usr/bin/env bash
# Trains the pretrained models in models/ from scratch and writes their cards: the exact recipe behind every model
# that ships with vae4j. Run from anywhere; one model or all:
#
#   models/build.sh [--fashion-dir DIR] [NAME ...]      NAME: mnist-mlp mnist-conv mnist-cvae fashion-conv
#
# Each model: ./vae4j train into runs/models/NAME (the full run: checkpoint, metrics, images), then
# ./vae4j publish (TRAIN_ONLY=1 skips it; PUBLISH_ONLY=1 skips the training and publishes the run there), which writes models/NAME/ (model.zip without updater state, its checksum, sample and reconstruction
# grids, the measured test metrics and MODEL_CARD.md). Fashion-MNIST is read from --fashion-dir (default: Debian's
# dataset-fashion-mnist, /usr/share/datasets/fashion-mnist).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
fashion_dir=/usr/share/datasets/fashion-mnist
if [[ "${1:-}" == "--fashion-dir" ]]; then
  fashion_dir="$2"
  shift 2
fi
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(mnist-mlp mnist-conv mnist-cvae fashion-conv)

# NAME -> the training flags; the data flag is repeated for publish
recipe() {
  case "$1" in
    mnist-mlp)    echo "--config configs/mnist-reference.json --data mnist10k" ;;
    mnist-conv)   echo "--config configs/conv-mnist.json --data mnist10k" ;;
    mnist-cvae)   echo "--config configs/cvae-mnist.json --data mnist10k" ;;
    fashion-conv) echo "--config configs/conv-mnist.json --data fashion:$fashion_dir --epochs 20" ;;
    *) echo "models/build.sh: unknown model '$1'; known: mnist-mlp mnist-conv mnist-cvae fashion-conv" >&2; return 2 ;;
  esac
}

# NAME -> publish flags beyond the defaults (k = 5000 on every test example): the conv model on Fashion-MNIST's
# 10,000 test images would take an hour at k = 5000, so its log p(x) covers the first 1,000
publish_flags() {
  case "$1" in
    fashion-conv) echo "--is-examples 1000" ;;
    *) echo "" ;;
  esac
}

for name in "${names[@]}"; do
  flags=$(recipe "$name")
  data=$(echo "$flags" | sed -E 's/.*(--data [^ ]+).*/\1/')
  if [[ "${PUBLISH_ONLY:-}" != 1 ]]; then
    echo "models: training $name: ./vae4j train $flags"
    # shellcheck disable=SC2086
    ./vae4j train $flags --out "runs/models/$name" --overwrite --no-progress
  fi
  if [[ "${TRAIN_ONLY:-}" != 1 ]]; then
    # shellcheck disable=SC2086
    ./vae4j publish --run "runs/models/$name" --name "$name" $data $(publish_flags "$name") --out "models/$name" \
      --command "./vae4j train $flags --out runs/models/$name"
  fi
done
