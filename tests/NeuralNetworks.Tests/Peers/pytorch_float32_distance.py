"""How far PyTorch float32 ends from a float64 reference after 100 steps of Nielsen's recipe, from the same start.

FastPathTests.After_100_steps_of_Nielsens_recipe_the_fast_path_is_as_close_to_double_as_PyTorch_float32 asserts the
fast path against the figures this prints. To re-measure (python3-torch from Debian, see docs/performance.md):

    NN_PYTORCH_DUMP=/tmp/nn-dump dotnet test tests/NeuralNetworks.Tests -c Release --filter "FullyQualifiedName~as_close_to_double"
    /usr/bin/python3 tests/NeuralNetworks.Tests/Peers/pytorch_float32_distance.py /tmp/nn-dump

The test writes the starting network, the 1,000 images and labels, its shuffle and the reference's and the fast
path's weights after the 100 steps; this script replays the same 100 steps in PyTorch, float32 and float64
(quadratic cost ½‖a − y‖² averaged over the batch, autograd, W ← W − η·∇W), and prints the distances.
"""
import numpy as np, torch, sys
d=sys.argv[1].rstrip('/')+'/' 
sizes=[784,16,16,10]
init=np.fromfile(d+'init.bin',dtype=np.float64)
ref=np.fromfile(d+'reference.bin',dtype=np.float64)
fast=np.fromfile(d+'fast.bin',dtype=np.float64)
pix=np.fromfile(d+'pixels.bin',dtype=np.uint8).reshape(-1,784)
lab=np.fromfile(d+'labels.bin',dtype=np.uint8)
order=np.loadtxt(d+'order.txt',dtype=np.int64)
def unflat(v):
    out=[];i=0
    for a,b in zip(sizes[:-1],sizes[1:]):
        W=v[i:i+a*b].reshape(b,a); i+=a*b; bb=v[i:i+b]; i+=b; out.append((W,bb))
    return out
def flat(ps): return np.concatenate([np.concatenate([W.detach().double().numpy().ravel(),b.detach().double().numpy().ravel()]) for W,b in ps])
torch.set_num_threads(1)
def train(dtype):
    ps=[(torch.tensor(W,dtype=dtype,requires_grad=True),torch.tensor(b,dtype=dtype,requires_grad=True)) for W,b in unflat(init)]
    X=torch.tensor(pix,dtype=dtype)/255; Y=torch.nn.functional.one_hot(torch.tensor(lab,dtype=torch.long),10).to(dtype)
    for s in range(100):
        idx=torch.tensor(order[s*10:(s+1)*10])
        a=X[idx]
        for W,b in ps: a=torch.sigmoid(a@W.T+b)
        loss=0.5*((a-Y[idx])**2).sum(dim=1).mean()
        for W,b in ps:
            W.grad=None; b.grad=None
        loss.backward()
        with torch.no_grad():
            for W,b in ps:
                W.add_(W.grad,alpha=-3.0); b.add_(b.grad,alpha=-3.0)
    return flat(ps)
t32=train(torch.float32); t64=train(torch.float64)
print('torch', torch.__version__, 'threads', torch.get_num_threads())
print('torch float64 vs C# reference (double): %.3e' % np.abs(t64-ref).max())
print('torch float32 vs C# reference (double): %.3e' % np.abs(t32-ref).max())
print('torch float32 vs torch float64:         %.3e' % np.abs(t32-t64).max())
print('C# fast (float32) vs C# reference:      %.3e' % np.abs(fast-ref).max())
print('C# fast vs torch float32:               %.3e' % np.abs(fast-t32).max())
print('max |weight moved| by training:         %.3e' % np.abs(ref-init).max())
rms=lambda v: np.sqrt(np.mean(v**2))
print('RMS: torch32-ref %.3e  fast-ref %.3e' % (rms(t32-ref), rms(fast-ref)))
print('mean abs: torch32-ref %.3e  fast-ref %.3e' % (np.abs(t32-ref).mean(), np.abs(fast-ref).mean()))
