"""What the peer programs of `bench --peers` share: reading MNIST's IDX files, naming the BLAS the process runs on,
peak memory, and printing results as one JSON object per line (which bench reads).

Each peer is run by bench as `/usr/bin/python3 PEER.py --data MNIST_FOLDER ...` with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed from its environment, so OpenBLAS picks the kernel it would pick on a user's machine.
"""
import ctypes, gzip, json, os, re, resource, struct, sys

import numpy as np


def read_idx(folder, name):
    """An IDX file: big-endian header (a magic number whose last byte is the number of dimensions, then the sizes)."""
    with gzip.open(os.path.join(folder, name), "rb") as f:
        data = f.read()
    dims = struct.unpack(">" + "I" * data[3], data[4:4 + 4 * data[3]])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * data[3]).reshape(dims)


def load_mnist(folder, limit=None, dtype=np.float32):
    """Training and test images as rows of 784 values in [0, 1], and their labels; the first `limit` training images only, when given."""
    x = read_idx(folder, "train-images-idx3-ubyte.gz").reshape(-1, 784)
    y = read_idx(folder, "train-labels-idx1-ubyte.gz")
    tx = read_idx(folder, "t10k-images-idx3-ubyte.gz").reshape(-1, 784)
    ty = read_idx(folder, "t10k-labels-idx1-ubyte.gz")
    if limit:
        x, y = x[:limit], y[:limit]
    return (x.astype(dtype) / 255).astype(dtype), y.astype(np.int64), (tx.astype(dtype) / 255).astype(dtype), ty.astype(np.int64)


def peak_megabytes():
    """The process's peak resident memory in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def blas():
    """The BLAS this process runs on: library, version, kernel (OpenBLAS's core name), threads, and the file loaded.

    threadpoolctl names OpenBLAS, MKL and BLIS with their kernel and threads; Debian's reference BLAS (…/blas/libblas.so.3,
    what NumPy and PyTorch fall back to without libopenblas0-pthread) it does not list, so the mapped files are read too.
    """
    mapped = sorted({line.split()[-1] for line in open("/proc/self/maps")
                     if len(line.split()) >= 6 and re.search(r"(blas|mkl|blis)[^/]*\.so", line.split()[-1])})
    found = {"library": "unknown", "version": None, "kernel": None, "threads": None, "loaded": mapped}
    try:
        import threadpoolctl
        for pool in threadpoolctl.threadpool_info():
            if pool.get("user_api") == "blas":
                found.update(library={"openblas": "OpenBLAS", "mkl": "MKL", "blis": "BLIS"}.get(pool.get("internal_api"), pool.get("internal_api")),
                             version=pool.get("version"), kernel=pool.get("architecture"), threads=pool.get("num_threads"))
                return found
    except ImportError:
        pass
    for path in mapped:
        if "openblas" in os.path.basename(path):
            library = ctypes.CDLL(path)
            library.openblas_get_corename.restype = ctypes.c_char_p
            found.update(library="OpenBLAS", kernel=library.openblas_get_corename().decode(), threads=library.openblas_get_num_threads())
            return found
    if any("/blas/libblas" in path for path in mapped):
        found.update(library="reference BLAS")
    return found


def emit(**values):
    """One line of JSON on stdout, flushed (bench reads each line as it comes)."""
    print(json.dumps(values), flush=True)


def fail(message):
    """A problem on stderr and exit code 1."""
    print(message, file=sys.stderr)
    sys.exit(1)
