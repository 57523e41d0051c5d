"""The benchmark network in PyTorch on the CPU, the peer of `bench --peers`.

784-16-16-10 as nn.Sequential of Linear and Sigmoid layers, quadratic cost C = ½‖a − y‖² averaged over the mini-batch,
optim.SGD with η = 3, every weight and bias from N(0, 1), one epoch = every training image once, in a fresh shuffle;
float32, as PyTorch computes by default. --threads sets torch.set_num_threads; bench also sets OPENBLAS_NUM_THREADS,
because the OpenBLAS that Debian's PyTorch calls does not follow torch.set_num_threads.
Prints one JSON line per epoch ({"epoch", "seconds"}: the training steps only) and a last line {"result": ...}.

usage: python3 torch_mlp.py --data MNIST_FOLDER [--batch 10] [--epochs 5] [--threads 1] [--limit N] [--seed 1]
"""
import argparse, time

import torch

from peer_common import blas, emit, load_mnist, peak_megabytes

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--batch", type=int, default=10)
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--limit", type=int, default=None, help="train on the first N images only (tests)")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
x, labels, test_x, test_labels = (torch.from_numpy(a) for a in load_mnist(args.data, args.limit))
targets = torch.nn.functional.one_hot(labels, 10).float()
network = torch.nn.Sequential(torch.nn.Linear(784, 16), torch.nn.Sigmoid(), torch.nn.Linear(16, 16), torch.nn.Sigmoid(),
                              torch.nn.Linear(16, 10), torch.nn.Sigmoid())
with torch.no_grad():
    for parameter in network.parameters():
        parameter.normal_()
optimizer = torch.optim.SGD(network.parameters(), lr=3.0)

seconds = []
for epoch in range(1, args.epochs + 1):
    start = time.perf_counter()
    order = torch.randperm(len(labels))
    for k in range(0, len(order), args.batch):
        batch = order[k:k + args.batch]
        cost = 0.5 * ((network(x[batch]) - targets[batch]) ** 2).sum() / len(batch)
        optimizer.zero_grad(set_to_none=True)
        cost.backward()
        optimizer.step()
    seconds.append(time.perf_counter() - start)
    emit(epoch=epoch, seconds=seconds[-1])

with torch.no_grad():
    correct = int((network(test_x).argmax(dim=1) == test_labels).sum())
emit(result=dict(peer="PyTorch " + torch.__version__, threads=torch.get_num_threads(), dtype="float32", batch=args.batch,
                 epochs=seconds, test_correct=correct, test_count=len(test_labels), peak_megabytes=peak_megabytes(), blas=blas()))
