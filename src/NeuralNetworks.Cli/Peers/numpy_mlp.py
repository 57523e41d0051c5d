"""The benchmark network in NumPy, the peer of `bench --peers`.

784-16-16-10, sigmoid in every layer, quadratic cost C = ½‖a − y‖² averaged over the mini-batch, plain SGD with η = 3,
weights and biases from N(0, 1), one epoch = every training image once, in a fresh shuffle. Two ways to write it:

  --mode matrix      the mini-batch as one matrix (a column per example), as a NumPy user would write it
  --mode per-sample  backpropagation one example at a time, summed over the mini-batch, as Nielsen's network.py does

NumPy computes in float64 (its default) on the BLAS it was built against, with that BLAS's own thread count.
Prints one JSON line per epoch ({"epoch", "seconds"}: the training steps only) and a last line {"result": ...} with the
test digits classified right after the last epoch, peak memory and the BLAS (library, kernel, threads).

usage: python3 numpy_mlp.py --data MNIST_FOLDER [--mode matrix|per-sample] [--batch 10] [--epochs 5] [--limit N] [--seed 1]
"""
import argparse, time

import numpy as np

from peer_common import blas, emit, load_mnist, peak_megabytes

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--mode", choices=["matrix", "per-sample"], default="matrix")
parser.add_argument("--batch", type=int, default=10)
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--limit", type=int, default=None, help="train on the first N images only (tests)")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

x, labels, test_x, test_labels = load_mnist(args.data, args.limit, np.float64)
targets = np.eye(10)[labels]                      # one-hot y, a row per example
rng = np.random.default_rng(args.seed)
sizes = [784, 16, 16, 10]
W = [rng.standard_normal((n, n_in)) for n_in, n in zip(sizes[:-1], sizes[1:])]
b = [rng.standard_normal((n, 1)) for n in sizes[1:]]
eta = 3.0


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gradient(a0, y):
    """∂C/∂W and ∂C/∂b summed over the columns of a0 (one example per column), by backpropagation."""
    activations = [a0]
    for Wl, bl in zip(W, b):
        activations.append(sigmoid(Wl @ activations[-1] + bl))
    a = activations[-1]
    delta = (a - y) * a * (1 - a)                  # BP1, σ′ = σ(1 − σ)
    grad_W, grad_b = [None] * 3, [None] * 3
    for l in (2, 1, 0):
        grad_W[l] = delta @ activations[l].T        # BP4
        grad_b[l] = delta.sum(axis=1, keepdims=True)  # BP3
        if l > 0:
            a = activations[l]
            delta = (W[l].T @ delta) * a * (1 - a)  # BP2
    return grad_W, grad_b


def step(batch):
    if args.mode == "matrix":
        grad_W, grad_b = gradient(x[batch].T, targets[batch].T)
    else:
        grad_W = [np.zeros_like(Wl) for Wl in W]
        grad_b = [np.zeros_like(bl) for bl in b]
        for i in batch:
            gW, gb = gradient(x[i].reshape(784, 1), targets[i].reshape(10, 1))
            grad_W = [s + g for s, g in zip(grad_W, gW)]
            grad_b = [s + g for s, g in zip(grad_b, gb)]
    for l in range(3):
        W[l] -= eta / len(batch) * grad_W[l]
        b[l] -= eta / len(batch) * grad_b[l]


seconds = []
for epoch in range(1, args.epochs + 1):
    start = time.perf_counter()
    order = rng.permutation(len(labels))
    for k in range(0, len(order), args.batch):
        step(order[k:k + args.batch])
    seconds.append(time.perf_counter() - start)
    emit(epoch=epoch, seconds=seconds[-1])

a = test_x.T
for Wl, bl in zip(W, b):
    a = sigmoid(Wl @ a + bl)
emit(result=dict(peer="NumPy " + np.__version__, mode=args.mode, dtype="float64", batch=args.batch, epochs=seconds,
                 test_correct=int((a.argmax(axis=0) == test_labels).sum()), test_count=len(test_labels),
                 peak_megabytes=peak_megabytes(), blas=blas()))
