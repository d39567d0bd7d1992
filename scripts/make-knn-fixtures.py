#!/usr/bin/python3
"""Fixtures of the kNN tests (test/fixtures/knn/), from real data, with scikit-learn
and SciPy as the independent reference. Run from the repository root:
    /usr/bin/python3 scripts/make-knn-fixtures.py

* fmnist-t10k-5000-embeddings.npy: the fixture CNN's penultimate features
  (PyTorch, weights read from test/fixtures/fmnist/model.onnx) of Fashion-MNIST
  t10k images 0..4999, float32 5000 x 64: the approximate index is tested
  against exact search on them.
* Graphs "built elsewhere" for the 200 samples of test/fixtures/fmnist/npy
  (--knn-graph), k = 10, by scikit-learn's exact NearestNeighbors:
  - on features.npy, in every form the reader takes: features-csr.npz
    (scipy.sparse.save_npz, compressed), features-coo.npz (COO), features-faiss.npz
    (np.savez of N x (k+1) `indices` and squared `distances` with each sample
    first, as FAISS returns a search of a set against itself), features-edges.npy
    (E x 3 float64: source, neighbour, distance), features-csr/ (indptr.npy,
    indices.npy, distances.npy);
  - on the raw pixels of images.npy (/255), pixels-edges.npy (E x 2 int64): a
    graph the scan could not build from features.npy itself.
* margin-{features,pixels}-graph.npy: the MARGIN label-issue score of each of
  the 200 samples on each graph (union-symmetrised binary graph,
  A = D^-1/2 W D^-1/2, f = share of neighbours with another label,
  I = |f - A f| / max), float64, computed here with SciPy.
"""
import importlib.util
import os

import numpy as np
import onnx
import scipy.sparse as sp
import torch
from onnx import numpy_helper
from sklearn.neighbors import NearestNeighbors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FMNIST = os.path.join(ROOT, "test", "fixtures", "fmnist")
OUT = os.path.join(ROOT, "test", "fixtures", "knn")
T10K = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
MEAN, STD, SCALE = 0.2860, 0.3530, 1.0 / 255.0
K = 10


def _load_make_fixtures():
    """scripts/make-fixtures.py: the fixture model's architecture (SmallCnn) and its IDX reader."""
    spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(ROOT, "scripts", "make-fixtures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE_FIXTURES = _load_make_fixtures()
read_idx = MAKE_FIXTURES.read_idx


def fixture_model():
    """SmallCnn with the weights of test/fixtures/fmnist/model.onnx (initializer names are state_dict keys)."""
    model = MAKE_FIXTURES.SmallCnn()
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy())
               for i in onnx.load(os.path.join(FMNIST, "model.onnx")).graph.initializer}
    model.load_state_dict({name: weights[name] for name in model.state_dict() if name in weights}, strict=False)
    return model.eval()


@torch.no_grad()
def embeddings(model, pixels):
    x = (pixels.astype(np.float32) * np.float32(SCALE) - np.float32(MEAN)) / np.float32(STD)
    x = torch.from_numpy(x[:, None, :, :].astype(np.float32))
    return torch.cat([model.features(x[i:i + 1000]) for i in range(0, len(x), 1000)]).numpy()


def knn(points, k):
    """Exact k nearest of each row (itself excluded): indices and Euclidean distances, nearest first."""
    distances, indices = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
    return indices[:, 1:], distances[:, 1:]


def margin_scores(indices, labels):
    n = len(labels)
    rows = np.repeat(np.arange(n), indices.shape[1])
    w = sp.csr_matrix((np.ones(rows.size), (rows, indices.ravel())), shape=(n, n))
    w = ((w + w.T) > 0).astype(np.float64)
    degree = np.asarray(w.sum(axis=1)).ravel()
    d = sp.diags(1 / np.sqrt(degree))
    disagree = w.multiply(labels[:, None] != labels[None, :])
    f = np.asarray(disagree.sum(axis=1)).ravel() / degree
    high = np.abs(f - (d @ w @ d) @ f)
    return high / high.max()


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    emb = embeddings(fixture_model(), read_idx(T10K)[:5000])
    np.save(os.path.join(OUT, "fmnist-t10k-5000-embeddings.npy"), emb.astype(np.float32))

    features = np.load(os.path.join(FMNIST, "npy", "features.npy")).astype(np.float64)
    pixels = np.load(os.path.join(FMNIST, "npy", "images.npy")).reshape(200, -1) / 255.0
    labels = np.load(os.path.join(FMNIST, "npy", "labels.npy"))
    n = len(labels)

    idx, dist = knn(features, K)
    graph = sp.csr_matrix((dist.ravel(), idx.ravel(), np.arange(n + 1) * K), shape=(n, n))
    sp.save_npz(os.path.join(OUT, "features-csr.npz"), graph)
    sp.save_npz(os.path.join(OUT, "features-coo.npz"), graph.tocoo())
    self_first = np.hstack([np.arange(n)[:, None], idx])
    np.savez(os.path.join(OUT, "features-faiss.npz"), indices=self_first.astype(np.int64),
             distances=np.hstack([np.zeros((n, 1)), dist ** 2]).astype(np.float32))
    sources = np.repeat(np.arange(n), K)
    np.save(os.path.join(OUT, "features-edges.npy"),
            np.stack([sources, idx.ravel(), dist.ravel()], axis=1).astype(np.float64))
    folder = os.path.join(OUT, "features-csr")
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "indptr.npy"), graph.indptr.astype(np.int32))
    np.save(os.path.join(folder, "indices.npy"), graph.indices.astype(np.int32))
    np.save(os.path.join(folder, "distances.npy"), graph.data.astype(np.float32))
    np.save(os.path.join(OUT, "margin-features-graph.npy"), margin_scores(idx, labels))

    pixel_idx, _ = knn(pixels, K)
    np.save(os.path.join(OUT, "pixels-edges.npy"),
            np.stack([sources, pixel_idx.ravel()], axis=1).astype(np.int64))
    np.save(os.path.join(OUT, "margin-pixels-graph.npy"), margin_scores(pixel_idx, labels))
    print("wrote", ", ".join(sorted(os.listdir(OUT))))


if __name__ == "__main__":
    main()
