#!/usr/bin/python3
"""Fixtures of the SLIC superpixel tests (test/fixtures/slic/), with scikit-image 0.19's
`skimage.segmentation.slic` as the independent reference. Run from the repository root:
    /usr/bin/python3 scripts/make-slic-fixtures.py
(Debian's python3-skimage and numpy; not the pyenv `python3` on PATH.)

Inputs are stored as uint8 (small files); the segmentations are computed on them / 255 in
float64, the exact values the TypeScript tests hand to `slic`.

* fmnist-<i>.npy: Fashion-MNIST t10k images 0, 1, 2 (28 x 28 greyscale, uint8).
* astronaut.npy, coffee.npy: skimage.data's astronaut and coffee photographs shrunk to
  64 x 64 RGB (skimage.transform.resize, anti-aliased), uint8 64 x 64 x 3.
* <name>-slic-<n>.npy: slic(image / 255, n_segments=n, start_label=0) with every other
  argument at its default (compactness 10, max_num_iter 10, sigma 0, enforce_connectivity,
  min_size_factor 0.5, max_size_factor 3); channel_axis=None for the greyscale images,
  -1 (so CIELAB) for RGB. int16 H x W, for n in 50, 100, 200.
"""
import gzip
import os

import numpy as np
import skimage
from skimage import data
from skimage.segmentation import slic
from skimage.transform import resize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "slic")
T10K = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
SEGMENTS = (50, 100, 200)
FMNIST_INDICES = (0, 1, 2)
RGB_SIZE = 64


def read_idx(path):
    """An IDX file (big-endian dims after a 4-byte magic whose last byte is the rank)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def shrink_rgb(photo):
    """A photograph as a small square uint8 RGB image (anti-aliased, deterministic)."""
    small = resize(photo, (RGB_SIZE, RGB_SIZE), order=1, anti_aliasing=True)
    return np.round(small * 255).astype(np.uint8)


def main():
    assert skimage.__version__.startswith("0.19"), skimage.__version__
    os.makedirs(OUT, exist_ok=True)
    images = {}
    fmnist = read_idx(T10K)
    for i in FMNIST_INDICES:
        images[f"fmnist-{i}"] = fmnist[i]
    images["astronaut"] = shrink_rgb(data.astronaut())
    images["coffee"] = shrink_rgb(data.coffee())

    for name, pixels in images.items():
        np.save(os.path.join(OUT, f"{name}.npy"), np.ascontiguousarray(pixels))
        image = pixels.astype(np.float64) / 255.0
        channel_axis = -1 if pixels.ndim == 3 else None
        for n in SEGMENTS:
            labels = slic(image, n_segments=n, start_label=0, channel_axis=channel_axis)
            np.save(os.path.join(OUT, f"{name}-slic-{n}.npy"), labels.astype(np.int16))
            print(f"{name} n_segments={n}: {labels.max() + 1} segments")


if __name__ == "__main__":
    main()
