"""Check that files written by mlx-io (tests/interop_write.rs, run by
`cargo xtask io-interop`) load in NumPy, MLX 0.32.4 and the Python
`safetensors` and `gguf` packages with the right values.

    python3 check_written.py DIR

A package that is not installed is skipped with a message; exit status 1 on
any wrong value.
"""

import os
import sys

import numpy as np



def values(dtype, n):
    """Same as values() in gen.py (which needs MLX to import)."""
    i = np.arange(n)
    if dtype == np.bool_:
        return i % 2 == 0
    if np.issubdtype(dtype, np.unsignedinteger):
        return (i % 7).astype(dtype)
    if np.issubdtype(dtype, np.integer):
        return (i % 7 - 3).astype(dtype)
    if np.issubdtype(dtype, np.complexfloating):
        return ((i - 3) * 0.5 + 1j * i * 0.25).astype(dtype)
    return ((i - 3) * 0.5).astype(dtype)


DIR = sys.argv[1]
FAILS = []
NAMES = ["bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
         "int64", "float16", "bfloat16", "float32", "float64", "complex64"]
SHAPES = {"2d": (2, 3), "0d": (), "empty": (0, 2)}


def want(name, tag):
    dt = {"bool": np.bool_, "bfloat16": np.float32}.get(name, name)
    shape = SHAPES[tag]
    return values(np.dtype(dt).type, int(np.prod(shape))).reshape(shape)


def check(what, got, expected):
    got = np.asarray(got)
    if got.shape != expected.shape or not np.array_equal(got, expected):
        FAILS.append(f"{what}: got {got!r}, expected {expected!r}")


def keys():
    for n in NAMES:
        for tag in SHAPES:
            yield n, tag, f"{n}_{tag}"


def numpy_checks():
    for n, tag, k in keys():
        if n == "bfloat16":
            continue  # NumPy has no bfloat16 ('<V2' is MLX's convention)
        check(f"numpy {k}.npy", np.load(os.path.join(DIR, f"{k}.npy")), want(n, tag))
    for z in ["all.npz", "all_compressed.npz"]:
        with np.load(os.path.join(DIR, z)) as f:
            for n, tag, k in keys():
                if n != "bfloat16":
                    check(f"numpy {z}:{k}", f[k], want(n, tag))
    print("numpy: checked .npy and .npz")


def mlx_checks():
    try:
        import mlx.core as mx
    except ImportError:
        print("mlx not installed: skipping the MLX checks")
        return

    def as_np(a):
        if a.dtype == mx.bfloat16:
            a = a.astype(mx.float32)
        return np.array(a)

    for n, tag, k in keys():
        check(f"mlx {k}.npy", as_np(mx.load(os.path.join(DIR, f"{k}.npy"))), want(n, tag))
    for z in ["all.npz", "all_compressed.npz"]:
        d = mx.load(os.path.join(DIR, z))
        for n, tag, k in keys():
            check(f"mlx {z}:{k}", as_np(d[k]), want(n, tag))
    # MLX 0.32.4 does not load F64 safetensors: no_f64.safetensors has the rest.
    d, meta = mx.load(os.path.join(DIR, "no_f64.safetensors"), return_metadata=True)
    for n, tag, k in keys():
        if n != "float64":
            check(f"mlx no_f64.safetensors:{k}", as_np(d[k]), want(n, tag))
    if meta != {"format": "mlx"}:
        FAILS.append(f"mlx safetensors metadata {meta}")
    d, meta = mx.load(os.path.join(DIR, "all.gguf"), return_metadata=True)
    for n, tag, k in keys():
        if n in ("float32", "float16", "int8", "int16", "int32"):
            check(f"mlx all.gguf:{k}", as_np(d[k]), want(n, tag))
    if meta["s"] != "str" or meta["l"] != ["a", "bc"] or meta["n"].item() != 3 \
            or meta["u8"].dtype != mx.uint8 or meta["f"].tolist() != [1.5, 2.5]:
        FAILS.append(f"mlx gguf metadata {meta}")
    print("mlx: checked .npy, .npz, .safetensors metadata and .gguf")


def safetensors_checks():
    try:
        from safetensors import safe_open
    except ImportError:
        print("safetensors not installed: skipping the safetensors checks")
        return
    with safe_open(os.path.join(DIR, "all.safetensors"), framework="np") as f:
        if f.metadata() != {"format": "mlx"}:
            FAILS.append(f"safetensors metadata {f.metadata()}")
        for n, tag, k in keys():
            if n in ("bfloat16", "complex64"):
                continue  # no NumPy bfloat16; C64 is not in the safetensors spec
            check(f"safetensors {k}", f.get_tensor(k), want(n, tag))
    print("safetensors: checked all.safetensors")


def gguf_checks():
    try:
        import gguf
    except ImportError:
        print("gguf not installed: skipping the gguf-py checks")
        return
    r = gguf.GGUFReader(os.path.join(DIR, "all.gguf"))
    tensors = {t.name: t for t in r.tensors}
    for n, tag, k in keys():
        if n in ("float32", "float16", "int8", "int16", "int32") and tag == "2d":
            t = tensors[k]
            check(f"gguf-py {k}", np.array(t.data).reshape(2, 3), want(n, tag))
    print("gguf: checked all.gguf with gguf-py")


numpy_checks()
mlx_checks()
safetensors_checks()
gguf_checks()
if FAILS:
    print("\n".join(FAILS))
    sys.exit(1)
print("io-interop: all files written by mlx-io load with the right values")
