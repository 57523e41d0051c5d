"""TrainingRecipe.Best in PyTorch on the CPU, for a side-by-side time and accuracy (whole process, one run).

The same recipe as the C# library's TrainingRecipe.Best: 784-16-16-10, tanh hidden layers, softmax output with the
log-likelihood (cross-entropy) cost, weights from N(0, 1/n_in) and biases from N(0, 1), SGD with Nesterov momentum 0.9,
eta = 0.04 times the per-epoch cosine factor 0.5 * (1 + cos(pi * (e - 1) / E)), mini-batches of 64, 30 epochs, every
training image moved by (dx, dy) in {-1, 0, 1}^2 (black fill) each time it is used; trained on all 60,000 training
images, accuracy counted once on the 10,000 test images. Random numbers differ from the C# run (other generators).

usage: PEER_DATA=<folder from ../shared/bench/peers/prep_data.py> python3 torch_best_recipe.py [SEED] [THREADS]
"""
import math, os, sys, time, resource
T0 = time.perf_counter()
import numpy as np, torch

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.set_num_threads(threads); torch.manual_seed(seed); rng = np.random.default_rng(seed)
D = os.environ.get("PEER_DATA", "peer-data")
X = np.fromfile(f"{D}/train_x.f32", np.float32).reshape(-1, 28, 28)
Y = torch.from_numpy(np.fromfile(f"{D}/train_y.u8", np.uint8).astype(np.int64))
TX = torch.from_numpy(np.fromfile(f"{D}/test_x.f32", np.float32).reshape(-1, 784))
TY = torch.from_numpy(np.fromfile(f"{D}/test_y.u8", np.uint8).astype(np.int64))

net = torch.nn.Sequential(torch.nn.Linear(784, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(), torch.nn.Linear(16, 10))
with torch.no_grad():
    for layer in (net[0], net[2], net[4]):
        layer.weight.normal_(0, 1 / math.sqrt(layer.in_features)); layer.bias.normal_(0, 1)
eta, epochs, m = 0.04, 30, 64
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
        idx = order[k:k + m]
        loss = torch.nn.functional.cross_entropy(net(images[idx]), Y[idx])
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    times.append(time.perf_counter() - t)
with torch.no_grad():
    accuracy = float((net(TX).argmax(1) == TY).float().mean())
ts = sorted(times)
print(f"RESULT torch{torch.__version__} threads={threads} seed={seed} test_accuracy={accuracy:.4f} median_epoch_s={ts[len(ts)//2]:.3f} "
      f"train_s={sum(times):.1f} process_s={time.perf_counter() - T0:.1f} maxrss_MB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f}")
