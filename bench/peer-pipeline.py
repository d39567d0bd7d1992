#!/usr/bin/python3
"""The 60k image scan of bench/scan.ts, done the way a Python user would do it
without MARGIN Lens: PyTorch on the CPU for the model, scikit-learn for the
kNN graph, SciPy for the graph filter. The yardstick for issue 9's "the 60k
image scan stays at least 5x faster than a PyTorch CPU + scikit-learn + scipy
pipeline doing the same work".

The same work as `npx tsx bench/scan.ts`:
  * the 60,000 Fashion-MNIST training images (Debian's dataset-fashion-mnist),
    5% of the labels flipped with bench/scan.ts's generator and seed (mulberry32,
    2026), so both rank the same noisy labels;
  * the fixture CNN (weights read from test/fixtures/fmnist/model.onnx), batch 256,
    preprocessing of its sidecar, logits and penultimate embeddings;
  * exact 20-NN graph on the embeddings (NearestNeighbors, all cores), union-symmetrised;
  * MARGIN on label disagreement: A = D^-1/2 W D^-1/2, I = |f - A f| / max,
    the neighbours' majority label, and the model's confidence 1 - p(given label);
    the samples ranked by a rank average of the two (the extra scorers of a
    labels scan are linear in N beside these).
Every stage on 2 threads, like the development machine's 2 cores. Prints the
wall time of each stage and the recall of the flips in the top 10%.

    /usr/bin/python3 bench/peer-pipeline.py [--images PATH] [--k 20] [--noise 0.05]
"""
import argparse
import importlib.util
import os
import time

import numpy as np
import scipy.sparse as sp
import torch
from scipy.stats import rankdata
from sklearn.neighbors import NearestNeighbors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEAN, STD, SCALE = 0.2860, 0.3530, 1.0 / 255.0


def _load_knn_fixtures():
    """scripts/make-knn-fixtures.py: the fixture CNN with its ONNX weights, and the IDX reader."""
    spec = importlib.util.spec_from_file_location("make_knn_fixtures", os.path.join(ROOT, "scripts", "make-knn-fixtures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mulberry32(seed):
    """bench/scan.ts's generator, bit for bit (32-bit signed arithmetic as in JavaScript)."""
    def imul(a, b):
        return ((a & 0xFFFFFFFF) * (b & 0xFFFFFFFF)) & 0xFFFFFFFF

    def signed(x):
        x &= 0xFFFFFFFF
        return x - 0x100000000 if x >= 0x80000000 else x

    state = [seed]

    def random():
        state[0] = signed(state[0] + 0x6D2B79F5)
        s = state[0]
        t = imul(s ^ ((s & 0xFFFFFFFF) >> 15), 1 | s)
        t = signed((t + imul(t ^ (t >> 7), 61 | t)) ^ t)
        return ((t ^ ((t & 0xFFFFFFFF) >> 14)) & 0xFFFFFFFF) / 4294967296
    return random


def flip(labels, noise):
    random = mulberry32(2026)
    noisy, flipped = labels.copy(), np.zeros(len(labels), bool)
    for i, label in enumerate(labels):
        if random() >= noise:
            continue
        flipped[i] = True
        noisy[i] = (label + 1 + int(random() * 9)) % 10
    return noisy, flipped


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", default="/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--noise", type=float, default=0.05)
    args = parser.parse_args()
    torch.set_num_threads(2)
    times = {}

    fixtures = _load_knn_fixtures()  # imports only, not timed
    read_idx = fixtures.read_idx
    started = time.perf_counter()
    pixels = read_idx(args.images)
    labels, flipped = flip(read_idx(args.images.replace("images-idx3", "labels-idx1")).astype(np.int64), args.noise)
    model = fixtures.fixture_model()
    times["dataset + model"] = time.perf_counter() - started

    started = time.perf_counter()
    embeddings, logits = [], []
    with torch.no_grad():
        for start in range(0, len(pixels), 256):
            x = (pixels[start:start + 256].astype(np.float32) * np.float32(SCALE) - np.float32(MEAN)) / np.float32(STD)
            features = model.features(torch.from_numpy(x[:, None]))
            embeddings.append(features.numpy())
            logits.append(model.classifier(features).numpy())
    embeddings, logits = np.concatenate(embeddings), np.concatenate(logits)
    times["inference (PyTorch)"] = time.perf_counter() - started

    started = time.perf_counter()
    _, neighbours = NearestNeighbors(n_neighbors=args.k + 1, n_jobs=2).fit(embeddings).kneighbors(embeddings)
    times["kNN (scikit-learn)"] = time.perf_counter() - started

    started = time.perf_counter()
    n = len(labels)
    rows = np.repeat(np.arange(n), args.k)
    cols = np.array([row[row != i][:args.k] for i, row in enumerate(neighbours)]).ravel()
    w = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    w = ((w + w.T) > 0).astype(np.float64)
    degree = np.asarray(w.sum(axis=1)).ravel()
    d = sp.diags(1 / np.sqrt(degree))
    coo = w.tocoo()
    disagree = sp.csr_matrix(((labels[coo.row] != labels[coo.col]).astype(np.float64), (coo.row, coo.col)), shape=(n, n))
    f = np.asarray(disagree.sum(axis=1)).ravel() / degree
    influence = np.abs(f - (d @ w @ d) @ f)
    influence /= influence.max()
    votes = sp.csr_matrix((np.ones(coo.row.size), (coo.row, labels[coo.col])), shape=(n, 10))
    suggested = np.asarray(votes.argmax(axis=1)).ravel()
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    confidence = 1 - p[np.arange(n), labels]
    score = rankdata(influence) + rankdata(confidence)
    ranked = np.argsort(-score, kind="stable")
    times["graph filter + ranking (SciPy)"] = time.perf_counter() - started

    total = sum(times.values())
    print(f"samples          {n} ({flipped.sum()} labels flipped), k {args.k}, 2 threads")
    for stage, seconds in times.items():
        print(f"  {stage:<31}{seconds:.1f} s")
    print(f"wall time        {total:.1f} s")
    top = ranked[: int(np.ceil(0.1 * n))]
    print(f"recall@10%       {flipped[top].sum() / flipped.sum():.3f} (suggested = given for {np.mean(suggested == labels):.3f})")


if __name__ == "__main__":
    main()
