#!/usr/bin/python3
"""Writes test/fixtures/fmnist/reference/t10k-subset-{indices,pixels,labels}.npy.

An independent reference for the loader tests: the raw pixels and labels of
every Fashion-MNIST t10k image the fixtures use (0..299 for the IDX subset, and
the 1,000 images of fmnist/noisy/), read straight from Debian's
dataset-fashion-mnist with gzip + numpy, so that `npm test` needs neither the
Debian package nor the code under test to know the truth.

Run from the repository root: /usr/bin/python3 scripts/make-t10k-reference.py
"""
import csv
import gzip
import os
import re

import numpy as np

SOURCE = "/usr/share/datasets/fashion-mnist"
FIXTURES = "test/fixtures/fmnist"


def read_idx(name, header):
    with gzip.open(os.path.join(SOURCE, name)) as f:
        return np.frombuffer(f.read()[header:], dtype=np.uint8)


def main():
    images = read_idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    labels = read_idx("t10k-labels-idx1-ubyte.gz", 8)
    with open(os.path.join(FIXTURES, "noisy-truth.csv"), newline="") as f:
        noisy = [int(re.search(r"t10k-(\d+)\.png$", row["id"]).group(1)) for row in csv.DictReader(f)]
    indices = np.array(sorted(set(range(300)) | set(noisy)), dtype=np.int32)
    out = os.path.join(FIXTURES, "reference")
    np.save(os.path.join(out, "t10k-subset-indices.npy"), indices)
    np.save(os.path.join(out, "t10k-subset-pixels.npy"), np.ascontiguousarray(images[indices]))
    np.save(os.path.join(out, "t10k-subset-labels.npy"), labels[indices].astype(np.uint8))
    print(f"{len(indices)} t10k images written to {out}")


if __name__ == "__main__":
    main()
