"""Make the Fashion-MNIST subset embedded in the train_fashion_mnist example.

The first 1,500 training and first 500 test images and labels of the
Fashion-MNIST IDX files (Debian's dataset-fashion-mnist package; MIT
licensed, Zalando Research), written back as gzip IDX files with the same
headers, so the example's IDX reader loads them unchanged. Run:

    python3 make_fashion_mnist_subset.py [/usr/share/datasets/fashion-mnist]
"""
import gzip
import os
import struct
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = os.path.dirname(os.path.abspath(__file__))
COUNTS = {"train": 1500, "t10k": 500}

for split, n in COUNTS.items():
    for kind, magic in (("images-idx3", 0x803), ("labels-idx1", 0x801)):
        name = f"{split}-{kind}-ubyte.gz"
        raw = gzip.open(os.path.join(SRC, name)).read()
        assert struct.unpack(">I", raw[:4])[0] == magic
        ndim = magic & 0xFF
        dims = list(struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim]))
        per = 1
        for d in dims[1:]:
            per *= d
        start = 4 + 4 * ndim
        body = raw[start : start + n * per]
        header = struct.pack(">I", magic) + struct.pack(">" + "I" * ndim, n, *dims[1:])
        # mtime=0: the same bytes on every run.
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(gzip.compress(header + body, compresslevel=9, mtime=0))
        print(name, n, "examples")
