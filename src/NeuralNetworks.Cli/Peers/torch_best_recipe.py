"""TrainingRecipe.Best in PyTorch on the CPU: the peer of `bench --recipe best --peers` (whole process, one run).

The same recipe as the C# library's TrainingRecipe.Best: 784-16-16-10, tanh hidden layers, softmax output with the
log-likelihood (cross-entropy) cost, weights from N(0, 1/n_in) and biases from N(0, 1), SGD with Nesterov momentum 0.9,
eta = 0.04 times the per-epoch cosine factor 0.5 * (1 + cos(pi * (e - 1) / E)), mini-batches of 64, 30 epochs, every
training image moved by (dx, dy) in {-1, 0, 1}^2 (black fill) each time it is used; trained on all 60,000 training
images, accuracy counted once on the 10,000 test images. Random numbers differ from the C# run (other generators).

Like `train`, it reads the MNIST IDX .gz files itself, so its time is the whole process: start Python, import torch,
load, train, test. Run it with OPENBLAS_NUM_THREADS=1 for one thread: torch.set_num_threads(1) does not reach the
OpenBLAS that Debian's PyTorch calls.

usage: python3 torch_best_recipe.py MNIST_FOLDER [SEED] [THREADS] [EPOCHS]
prints: one JSON line per epoch ({"epoch", "seconds"}), then one line {"result": ...} (peer_common.emit).
"""
import math, sys, time
T0 = time.perf_counter()
import numpy as np, torch

from peer_common import blas, emit, peak_megabytes, read_idx

folder = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 30
torch.set_num_threads(threads); torch.manual_seed(seed); rng = np.random.default_rng(seed)

def idx(name):
    return read_idx(folder, name)

X = idx("train-images-idx3-ubyte.gz").astype(np.float32) / 255           # 60000 x 28 x 28
Y = torch.from_numpy(idx("train-labels-idx1-ubyte.gz").astype(np.int64))
TX = torch.from_numpy(idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
TY = torch.from_numpy(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))

net = torch.nn.Sequential(torch.nn.Linear(784, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(), torch.nn.Linear(16, 10))
with torch.no_grad():
    for layer in (net[0], net[2], net[4]):
        layer.weight.normal_(0, 1 / math.sqrt(layer.in_features)); layer.bias.normal_(0, 1)
eta, m = 0.04, 64
opt = torch.optim.SGD(net.parameters(), lr=eta, momentum=0.9, nesterov=True)

def shifted(images):
    """Each image moved by its own (dx, dy) in {-1, 0, 1}^2: x'[r, c] = x[r - dy, c - dx], 0 outside."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    dx = rng.integers(-1, 2, len(images)); dy = rng.integers(-1, 2, len(images))
    rows = (np.arange(28)[None, :] + 1 - dy[:, None])[:, :, None]
    cols = (np.arange(28)[None, :] + 1 - dx[:, None])[:, None, :]
    return padded[np.arange(len(images))[:, None, None], rows, cols]

n = len(Y); times = []
for e in range(1, epochs + 1):
    t = time.perf_counter()
    for g in opt.param_groups: g["lr"] = eta * 0.5 * (1 + math.cos(math.pi * (e - 1) / epochs))
    images = torch.from_numpy(shifted(X).reshape(-1, 784))
    order = torch.from_numpy(rng.permutation(n))
    for k in range(0, n, m):
        batch = order[k:k + m]
        loss = torch.nn.functional.cross_entropy(net(images[batch]), Y[batch])
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    times.append(time.perf_counter() - t)
    emit(epoch=e, seconds=times[-1])
with torch.no_grad():
    correct = int((net(TX).argmax(1) == TY).sum())
emit(result=dict(peer="PyTorch " + torch.__version__, threads=threads, seed=seed, epochs=times, test_correct=correct,
                 test_count=len(TY), process_seconds=time.perf_counter() - T0, peak_megabytes=peak_megabytes(), blas=blas()))
