#!/usr/bin/python3
"""PyTorch reference implementation of vae4j's VAE benchmarks (likelihood and throughput).

Trains a VAE with Bernoulli likelihood on un-binarized pixels (bytes / 255 as floats) and prints ONE JSON line:
per-epoch training throughput and loss, test negative ELBO (one z draw per image) and the importance-sampled
test log-likelihood

    log p(x) ≈ logsumexp_i [log p(x|z_i) + log p(z_i) − log q(z_i|x)] − log k,   z_i ~ q(z|x), i = 1..k,

averaged over the test images (nats; log-densities summed and combined in float64).

Architectures (``--arch``):
  mlp   784 → 400 ReLU → (μ, log σ²) [latent 20] → 400 ReLU → 784 Bernoulli logits (the reference MLP VAE)
  conv  conv 32 k3 s2 p1 ReLU → conv 64 k3 s2 p1 ReLU → flatten → dense 256 ReLU → (μ, log σ²) [latent 20];
        dense 256 ReLU → dense 3136 ReLU → 64×7×7 → convT 32 k4 s2 p1 ReLU → convT 1 k4 s2 p1 → 28×28 logits

Initialisation (``--init``):
  torch             PyTorch defaults: weights and biases U(−1/√fan_in, 1/√fan_in) (kaiming_uniform(a=√5))
  xavier            DL4J's WeightInit.XAVIER: weights N(0, 2/(fan_in+fan_out)), biases 0
                    (conv: fan_in = in_ch·k·k, fan_out = out_ch·k·k; μ and log σ² heads initialised separately)
  xavier_torchbias  XAVIER weights, PyTorch default biases
  torch_zerobias    PyTorch default weights, biases 0

Loss reduction (``--reduction``): the per-example negative ELBO (BCE-with-logits summed over pixels + KL) is
summed (``sum``, the usual PyTorch example) or averaged (``mean``, as vae4j/DL4J do) over the minibatch. With
Adam the two differ only through eps: mean reduction with eps e equals sum reduction with eps e·batch_size.

Example (from the repository root; use Debian's python3, which has python3-torch):
  source bin/native-env.sh   # sets OPENBLAS_CORETYPE for this CPU
  /usr/bin/python3 src/bench/python/torch_vae.py --arch mlp --init xavier --reduction mean --seed 1 --threads 1
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

# A tuned PyTorch on this stack: torch's OpenMP threads (--threads) run the element-wise work, and Debian's pthread
# OpenBLAS runs single-threaded inside them; with its own thread pool the two spin against each other (reference MLP
# on the 2-core machine: 9-11k ex/s against 19-20k; docs/benchmarks.md). Must be set before torch loads OpenBLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
LATENT = 20
LOG_2PI = math.log(2.0 * math.pi)


# ----------------------------------------------------------------------------------------------------- data

def read_idx_images(path):
    """Reads an IDX image file (magic 0x00000803; gzip-compressed or not) as a float32 tensor [n, 1, rows, cols] in
    [0, 1]."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic, n, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != 0x00000803:
        raise ValueError(f"{path}: bad IDX image magic 0x{magic:08x}")
    pixels = np.frombuffer(data, dtype=np.uint8, count=n * rows * cols, offset=16)
    return torch.from_numpy(pixels.astype(np.float32) / 255.0).reshape(n, 1, rows, cols)


def load_data(data_dir, name):
    prefix = {"mnist10k": "mnist10k", "fashion": "fashion"}[name]
    train = read_idx_images(os.path.join(data_dir, f"{prefix}-train-images-idx3-ubyte.gz"))
    test = read_idx_images(os.path.join(data_dir, f"{prefix}-test-images-idx3-ubyte.gz"))
    return train, test


# ----------------------------------------------------------------------------------------------------- models

class MlpVae(nn.Module):
    def __init__(self, hidden=400, latent=LATENT):
        super().__init__()
        self.enc = nn.Linear(784, hidden)
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)
        self.dec = nn.Linear(latent, hidden)
        self.out = nn.Linear(hidden, 784)

    def encode(self, x):
        h = F.relu(self.enc(x.reshape(x.shape[0], -1)))
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        """Bernoulli logits, flattened [n, 784]."""
        return self.out(F.relu(self.dec(z)))


class ConvVae(nn.Module):
    def __init__(self, latent=LATENT):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, stride=2, padding=1)      # 28 → 14
        self.conv2 = nn.Conv2d(32, 64, 3, stride=2, padding=1)     # 14 → 7
        self.enc = nn.Linear(64 * 7 * 7, 256)
        self.mu = nn.Linear(256, latent)
        self.logvar = nn.Linear(256, latent)
        self.dec1 = nn.Linear(latent, 256)
        self.dec2 = nn.Linear(256, 64 * 7 * 7)
        self.deconv1 = nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1)  # 7 → 14
        self.deconv2 = nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1)   # 14 → 28

    def encode(self, x):
        h = F.relu(self.conv2(F.relu(self.conv1(x))))
        h = F.relu(self.enc(h.flatten(1)))
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        """Bernoulli logits, flattened [n, 784]."""
        h = F.relu(self.dec2(F.relu(self.dec1(z)))).reshape(-1, 64, 7, 7)
        return self.deconv2(F.relu(self.deconv1(h))).flatten(1)


def fans(module):
    """(fan_in, fan_out) as DL4J computes them for XAVIER."""
    if isinstance(module, nn.Linear):
        return module.in_features, module.out_features
    k = module.kernel_size[0] * module.kernel_size[1]
    return module.in_channels * k, module.out_channels * k   # Conv2d and ConvTranspose2d alike


def apply_init(model, scheme):
    """Re-initialises the model's layers per --init; the model was built with PyTorch's default init."""
    xavier_weights = scheme in ("xavier", "xavier_torchbias")
    zero_biases = scheme in ("xavier", "torch_zerobias")
    with torch.no_grad():
        for m in model.modules():
            if not isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                continue
            if xavier_weights:
                fan_in, fan_out = fans(m)
                m.weight.normal_(0.0, math.sqrt(2.0 / (fan_in + fan_out)))
            if zero_biases:
                m.bias.zero_()


def soft_clamp(x, lo, hi):
    """vae4j's VaeMath.softClamp: x + softplus(lo − x) − softplus(x − hi); the identity well inside (lo, hi)."""
    return x + F.softplus(lo - x) - F.softplus(x - hi)


# ----------------------------------------------------------------------------------------------------- objective

def neg_elbo_per_example(model, x, eps, clamp):
    """Negative ELBO per example [n] (nats): Bernoulli reconstruction sum over pixels + KL(q(z|x) ‖ N(0, I))."""
    mu, logvar = model.encode(x)
    if clamp:
        logvar = soft_clamp(logvar, -20.0, 10.0)
    z = mu + torch.exp(0.5 * logvar) * eps
    logits = model.decode(z)
    recon = F.binary_cross_entropy_with_logits(logits, x.reshape(x.shape[0], -1), reduction="none").sum(1)
    kl = 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1.0).sum(1)
    return recon + kl


@torch.no_grad()
def test_neg_elbo(model, x, gen, clamp, chunk=1000):
    total = 0.0
    for i in range(0, x.shape[0], chunk):
        xb = x[i:i + chunk]
        eps = torch.randn(xb.shape[0], LATENT, generator=gen)
        total += neg_elbo_per_example(model, xb, eps, clamp).double().sum().item()
    return total / x.shape[0]


@torch.no_grad()
def importance_sampled_log_px(model, x, k, gen, clamp, max_rows=25000):
    """Mean over images of log (1/k) Σ_i p(x, z_i)/q(z_i|x), z_i ~ q(z|x); at most max_rows decoder rows at a time."""
    per_chunk = max(1, max_rows // k)
    total = 0.0
    for i in range(0, x.shape[0], per_chunk):
        xb = x[i:i + per_chunk]
        n = xb.shape[0]
        mu, logvar = model.encode(xb)
        if clamp:
            logvar = soft_clamp(logvar, -20.0, 10.0)
        eps = torch.randn(n, k, LATENT, generator=gen)
        z = mu.unsqueeze(1) + torch.exp(0.5 * logvar).unsqueeze(1) * eps            # [n, k, latent]
        logits = model.decode(z.reshape(n * k, LATENT))                               # [n·k, 784]
        target = xb.reshape(n, 1, -1).expand(n, k, 784).reshape(n * k, 784)
        log_px_z = -F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum(1, dtype=torch.float64)
        eps64, z64, logvar64 = eps.double(), z.double(), logvar.double().unsqueeze(1)
        log_pz = -0.5 * (z64.pow(2) + LOG_2PI).sum(2)                                 # [n, k]
        log_qz = -0.5 * (eps64.pow(2) + LOG_2PI + logvar64).sum(2)                    # [n, k]
        log_w = log_px_z.reshape(n, k) + log_pz - log_qz
        total += (torch.logsumexp(log_w, dim=1) - math.log(k)).sum().item()
    return total / x.shape[0]


# ----------------------------------------------------------------------------------------------------- main

def main(argv=None):
    class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
        pass

    p = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter)
    p.add_argument("--data-dir", default=os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data")),
                   help="folder with the IDX .gz files (../shared/data from the repository root)")
    p.add_argument("--data", choices=["mnist10k", "fashion"], default="mnist10k", help="data set (file prefix)")
    p.add_argument("--arch", choices=["mlp", "conv"], default="mlp", help="model (see above)")
    p.add_argument("--init", choices=["torch", "xavier", "xavier_torchbias", "torch_zerobias"], default="torch",
                   help="parameter initialisation (see above)")
    p.add_argument("--reduction", choices=["sum", "mean"], default="sum", help="loss reduction over the minibatch")
    p.add_argument("--logvar-clamp", choices=["none", "soft"], default="none",
                   help="soft: soft-clamp log σ² into (−20, 10) like vae4j")
    p.add_argument("--epochs", type=int, default=30, help="training epochs")
    p.add_argument("--batch-size", type=int, default=128, help="minibatch size (last batch partial)")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--adam-eps", type=float, default=1e-8, help="Adam epsilon")
    p.add_argument("--seed", type=int, default=1, help="seeds init, training noise, shuffling and evaluation")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads (default: all cores)")
    p.add_argument("--k", type=int, default=500, help="importance samples per test image")
    p.add_argument("--quiet", action="store_true", help="no per-epoch progress on stderr")
    p.add_argument("--train-idx", help="training images (IDX, optionally gzipped); overrides --data-dir/--data")
    p.add_argument("--test-idx", help="test images (IDX, optionally gzipped); with --train-idx")
    p.add_argument("--serve", action="store_true",
                   help="peer mode for `vae4j bench`: read commands from stdin, one JSON line per answer: "
                        "'epoch' trains one epoch; 'eval K ELBO_SAMPLES' evaluates; 'quit' ends")
    args = p.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)          # init and training noise
    shuffle_gen = torch.Generator().manual_seed(args.seed)
    eval_gen = torch.Generator().manual_seed(args.seed + 1_000_003)

    if args.train_idx:
        train, test = read_idx_images(args.train_idx), read_idx_images(args.test_idx or args.train_idx)
    else:
        train, test = load_data(args.data_dir, args.data)
    model = MlpVae() if args.arch == "mlp" else ConvVae()
    apply_init(model, args.init)
    clamp = args.logvar_clamp == "soft"
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, eps=args.adam_eps)

    n = train.shape[0]

    def train_epoch():
        """One pass over the shuffled training set; returns (seconds, mean loss per example)."""
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n, generator=shuffle_gen)
        loss_sum = 0.0
        for i in range(0, n, args.batch_size):
            xb = train[perm[i:i + args.batch_size]]
            eps = torch.randn(xb.shape[0], LATENT)
            per_example = neg_elbo_per_example(model, xb, eps, clamp)
            loss = per_example.sum() if args.reduction == "sum" else per_example.mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += per_example.detach().double().sum().item()
        return time.perf_counter() - t0, loss_sum / n

    if args.serve:
        serve(model, train_epoch, test, n, eval_gen, clamp)
        return

    eps_per_second, losses = [], []
    for epoch in range(args.epochs):
        dt, loss = train_epoch()
        eps_per_second.append(n / dt)
        losses.append(loss)
        if not args.quiet:
            print(f"epoch {epoch + 1}/{args.epochs}: loss {losses[-1]:.3f}, {eps_per_second[-1]:.0f} ex/s",
                  file=sys.stderr, flush=True)

    model.eval()
    t0 = time.perf_counter()
    neg_elbo = test_neg_elbo(model, test, eval_gen, clamp)
    log_px = importance_sampled_log_px(model, test, args.k, eval_gen, clamp)
    eval_seconds = time.perf_counter() - t0

    print(json.dumps({
        "data": args.data, "arch": args.arch, "init": args.init, "reduction": args.reduction,
        "logvar_clamp": args.logvar_clamp, "seed": args.seed, "epochs": args.epochs,
        "batch_size": args.batch_size, "lr": args.lr, "adam_eps": args.adam_eps, "threads": args.threads,
        "median_examples_per_second": float(np.median(eps_per_second)) if eps_per_second else None,
        "examples_per_second": [round(v, 1) for v in eps_per_second],
        "train_loss_per_epoch": [round(v, 4) for v in losses],
        "final_train_loss": losses[-1] if losses else None,
        "test_neg_elbo": neg_elbo, "test_log_px": log_px, "k": args.k,
        "n_train": n, "n_test": test.shape[0], "eval_seconds": round(eval_seconds, 2),
        "torch": torch.__version__,
    }))


def serve(model, train_epoch, test, n, eval_gen, clamp):
    """The peer protocol of `vae4j bench` (io.github.vae4j.bench.PytorchPeer): one command per stdin line, one JSON
    line per answer on stdout, so the JVM can alternate epochs between vae4j and PyTorch."""
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "n_train": n, "n_test": test.shape[0]}), flush=True)
    epoch = 0
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "epoch":
            dt, loss = train_epoch()
            epoch += 1
            print(json.dumps({"epoch": epoch, "seconds": dt, "examples": n, "loss": loss}), flush=True)
        elif cmd[0] == "eval":
            k, draws = int(cmd[1]), int(cmd[2])
            model.eval()
            t0 = time.perf_counter()
            neg_elbo = sum(test_neg_elbo(model, test, eval_gen, clamp) for _ in range(draws)) / draws
            log_px = importance_sampled_log_px(model, test, k, eval_gen, clamp)
            print(json.dumps({"test_neg_elbo": neg_elbo, "test_log_px": log_px, "k": k,
                              "seconds": time.perf_counter() - t0}), flush=True)
        elif cmd[0] == "quit":
            return
        else:
            print(json.dumps({"error": f"unknown command {cmd[0]!r}"}), flush=True)


if __name__ == "__main__":
    main()
