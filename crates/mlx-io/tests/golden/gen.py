"""Golden files for crates/mlx-io, made by the real tools: NumPy, MLX 0.32.4,
the `safetensors` Python package and the `gguf` Python package (llama.cpp's
gguf-py). Run from this directory:

    pip install "mlx[cpu]==0.32.4" numpy safetensors gguf
    python3 gen.py

Writes the files listed in expected.json and expected.json itself: for every
file, the arrays `mx.load` (MLX 0.32.4) returns, as dtype, shape and the hex
of their row-major little-endian bytes, and the metadata (safetensors strings;
GGUF values as MLX returns them). NumPy-only files are checked against NumPy.
"""

import json
import os

import mlx.core as mx
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = {}


def path(name):
    return os.path.join(HERE, name)


def to_bytes(a):
    """Row-major little-endian bytes of an mx.array or np.ndarray."""
    if isinstance(a, mx.array):
        if a.dtype == mx.bfloat16:
            a = a.view(mx.uint16)
        a = np.array(a)
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()


def entry(a, dtype=None):
    if dtype is None:
        dtype = str(a.dtype).replace("mlx.core.", "")
    if dtype == "bool_":
        dtype = "bool"
    return {"dtype": dtype, "shape": list(a.shape), "hex": to_bytes(a).hex()}


def record(name, fmt, arrays, metadata=None):
    EXPECTED[name] = {"format": fmt, "arrays": arrays}
    if metadata is not None:
        EXPECTED[name]["metadata"] = metadata


def values(dtype, n):
    """The values the interop checks use (same formula in tests/interop.rs)."""
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


NP_DTYPES = [np.bool_, np.uint8, np.uint16, np.uint32, np.uint64, np.int8,
             np.int16, np.int32, np.int64, np.float16, np.float32, np.float64,
             np.complex64]


def npy_numpy():
    # Every NumPy dtype MLX has, 2-D C order.
    for dt in NP_DTYPES:
        a = values(dt, 6).reshape(2, 3)
        name = f"np_{np.dtype(dt).name}.npy"
        np.save(path(name), a)
        record(name, "npy", {"": entry(a, np.dtype(dt).name if dt != np.bool_ else "bool")})
    # Fortran order, 0-d, size 0, big-endian, NaN/inf, versions 2.0 and 3.0.
    a = np.asfortranarray(values(np.float32, 24).reshape(2, 3, 4))
    np.save(path("np_fortran.npy"), a)
    record("np_fortran.npy", "npy", {"": entry(a, "float32")})
    a = np.array(2.5, dtype=np.float64)
    np.save(path("np_scalar.npy"), a)
    record("np_scalar.npy", "npy", {"": entry(a, "float64")})
    a = np.zeros((0, 3), dtype=np.int16)
    np.save(path("np_empty.npy"), a)
    record("np_empty.npy", "npy", {"": entry(a, "int16")})
    a = values(np.int32, 5).astype(">i4")
    np.save(path("np_big_endian.npy"), a)
    record("np_big_endian.npy", "npy", {"": entry(a.astype("<i4"), "int32")})
    a = values(np.complex64, 3).astype(">c8")
    np.save(path("np_big_endian_c8.npy"), a)
    record("np_big_endian_c8.npy", "npy", {"": entry(a.astype("<c8"), "complex64")})
    a = np.array([np.nan, np.inf, -np.inf, -0.0], dtype=np.float32)
    np.save(path("np_special.npy"), a)
    record("np_special.npy", "npy", {"": entry(a, "float32")})
    for v in [(2, 0), (3, 0)]:
        a = values(np.uint16, 4)
        name = f"np_v{v[0]}.npy"
        with open(path(name), "wb") as f:
            np.lib.format.write_array(f, a, version=v)
        record(name, "npy", {"": entry(a, "uint16")})


def npy_mlx():
    a = mx.array([1.5, -2.0, 3.25], dtype=mx.bfloat16)
    mx.save(path("mx_bfloat16.npy"), a)
    record("mx_bfloat16.npy", "npy", {"": entry(mx.load(path("mx_bfloat16.npy")))})
    a = mx.arange(6, dtype=mx.int32).reshape(2, 3).T  # MLX writes fortran_order
    mx.save(path("mx_transposed.npy"), a)
    record("mx_transposed.npy", "npy", {"": entry(mx.load(path("mx_transposed.npy")))})
    a = mx.array(True)
    mx.save(path("mx_scalar_bool.npy"), a)
    record("mx_scalar_bool.npy", "npy", {"": entry(mx.load(path("mx_scalar_bool.npy")))})


def npz():
    a, b = values(np.float32, 4).reshape(2, 2), values(np.int64, 3)
    np.savez(path("np_savez.npz"), a, b=b)
    record("np_savez.npz", "npz", {"arr_0": entry(a, "float32"), "b": entry(b, "int64")})
    np.savez_compressed(path("np_savez_compressed.npz"), w=np.zeros(200, np.float32), b=b)
    record("np_savez_compressed.npz", "npz",
           {"w": entry(np.zeros(200, np.float32), "float32"), "b": entry(b, "int64")})
    ma = mx.array([[1, 2], [3, 4]], dtype=mx.uint8)
    mb = mx.array([0.5, 1.5], dtype=mx.bfloat16)
    mx.savez(path("mx_savez.npz"), ma, w=mb)
    mx.savez_compressed(path("mx_savez_compressed.npz"), ma, w=mb)
    for name in ["mx_savez.npz", "mx_savez_compressed.npz"]:
        loaded = mx.load(path(name))
        record(name, "npz", {k: entry(v) for k, v in loaded.items()})


def safetensors_files():
    from safetensors.numpy import save_file

    arrays = {f"t_{np.dtype(dt).name}": values(dt, 6).reshape(3, 2)
              for dt in NP_DTYPES if dt not in (np.complex64, np.float64)}
    arrays["scalar"] = np.array(1.25, dtype=np.float32)
    arrays["empty"] = np.zeros((2, 0), dtype=np.float32)
    save_file(arrays, path("py_safetensors.safetensors"), metadata={"format": "np", "k": "v"})
    loaded, meta = mx.load(path("py_safetensors.safetensors"), return_metadata=True)
    record("py_safetensors.safetensors", "safetensors",
           {k: entry(v) for k, v in loaded.items()}, meta)

    # MLX 0.32.4 does not load F64 safetensors ("[safetensor] unsupported
    # dtype F64"); we do, checked against NumPy.
    f64 = values(np.float64, 3)
    save_file({"f64": f64}, path("py_f64.safetensors"))
    record("py_f64.safetensors", "safetensors", {"f64": entry(f64, "float64")}, {})

    m = {
        "bf16": mx.array([1.0, -2.5, 3.0], dtype=mx.bfloat16),
        "c64": mx.array([1 + 2j, -0.5j]),
        "bool": mx.array([True, False, True]),
        "scalar": mx.array(7, dtype=mx.int8),
        "empty": mx.zeros((0, 3)),
        "f16": mx.array([[0.5, 1.0]], dtype=mx.float16),
    }
    mx.save_safetensors(path("mx_safetensors.safetensors"), m, metadata={"format": "mlx"})
    loaded, meta = mx.load(path("mx_safetensors.safetensors"), return_metadata=True)
    record("mx_safetensors.safetensors", "safetensors",
           {k: entry(v) for k, v in loaded.items()}, meta)


def gguf_meta(meta):
    out = {}
    for k, v in meta.items():
        if isinstance(v, str):
            out[k] = {"kind": "str", "value": v}
        elif isinstance(v, list):
            out[k] = {"kind": "list", "value": v}
        else:
            out[k] = {"kind": "array", **entry(v)}
    return out


def gguf_files():
    import gguf

    m = {
        "w": mx.arange(6, dtype=mx.float32).reshape(2, 3),
        "h": mx.array([1.0, -2.0], dtype=mx.float16),
        "i8": mx.array([-1, 2], dtype=mx.int8),
        "i16": mx.array([[-300, 4]], dtype=mx.int16),
        "i32": mx.array([70000], dtype=mx.int32),
        "scalar": mx.array(3.5),
        "empty": mx.zeros((0, 2)),
    }
    meta = {"s": "str", "l": ["a", "bc"], "n": mx.array(3), "f": mx.array([1.5, 2.5]),
            "u8": mx.array(7, dtype=mx.uint8), "u64": mx.array([1, 2], dtype=mx.uint64),
            "b": mx.array([True, False])}
    mx.save_gguf(path("mx.gguf"), m, meta)
    loaded, lmeta = mx.load(path("mx.gguf"), return_metadata=True)
    record("mx.gguf", "gguf", {k: entry(v) for k, v in loaded.items()}, gguf_meta(lmeta))

    # llama.cpp's writer: float types (MLX 0.32.4 loads BF16 as float16), the quantized types MLX loads, and
    # metadata of every scalar type.
    rng = np.random.default_rng(0)
    w = gguf.GGUFWriter(path("py.gguf"), "llama")
    w.add_string("general.name", "tiny")
    w.add_uint16("u16", 65535)
    w.add_int16("i16", -5)
    w.add_uint32("u32", 7)
    w.add_int64("i64", -(2**40))
    # No float64 scalar: MLX 0.32.4 segfaults loading one.
    w.add_bool("flag", True)
    w.add_array("ints", [1, 2, 3])
    w.add_array("names", ["x", "yz"])
    w.add_tensor("f32.weight", rng.standard_normal((2, 4)).astype(np.float32))
    w.add_tensor("f16.weight", rng.standard_normal((3,)).astype(np.float16))
    bf = rng.standard_normal((2, 2)).astype(np.float32)
    w.add_tensor("bf16.weight", gguf.quants.quantize(bf, gguf.GGMLQuantizationType.BF16),
                 raw_dtype=gguf.GGMLQuantizationType.BF16)
    for qt in ["Q4_0", "Q4_1", "Q8_0"]:
        t = gguf.GGMLQuantizationType[qt]
        x = rng.standard_normal((2, 64)).astype(np.float32)
        w.add_tensor(f"{qt.lower()}.weight", gguf.quants.quantize(x, t), raw_dtype=t)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    loaded, lmeta = mx.load(path("py.gguf"), return_metadata=True)
    record("py.gguf", "gguf", {k: entry(v) for k, v in loaded.items()}, gguf_meta(lmeta))
    # Dequantized values from gguf-py, to check MLX's affine triple against.
    deq = {}
    reader = gguf.GGUFReader(path("py.gguf"))
    for t in reader.tensors:
        if t.tensor_type.name in ("Q4_0", "Q4_1", "Q8_0"):
            d = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
            deq[t.name] = entry(d.reshape(2, 64), "float32")
    EXPECTED["py.gguf"]["dequantized"] = deq


if __name__ == "__main__":
    assert mx.__version__ == "0.32.4", mx.__version__
    npy_numpy()
    npy_mlx()
    npz()
    safetensors_files()
    gguf_files()
    with open(path("expected.json"), "w") as f:
        json.dump(EXPECTED, f, indent=1, sort_keys=True)
        f.write("\n")
