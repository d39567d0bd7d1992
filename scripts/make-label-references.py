#!/usr/bin/python3
"""Reference arrays for the labels task's confident-learning code.

    /usr/bin/python3 scripts/make-label-references.py

cleanlab is not installed here, so this is a NumPy port, written by hand, of
what cleanlab 2.x computes (Northcutt, Jiang, Chuang, "Confident Learning",
JAIR 2021): `count.get_confident_thresholds`, `count.compute_confident_joint`
(with and without calibration), `filter.find_label_issues` with its defaults
(filter_by="prune_by_noise_rate", min_examples_per_class=1, frac_noise=1) and
`count.num_label_issues` ("off_diagonal" and "off_diagonal_calibrated").
It follows cleanlab's NumPy code path, operation by operation (np.round's
half-to-even, the order np.argsort gives ties, integer truncation), so the
TypeScript port in src/core/labels/confidentLearning.ts can be checked
against it entry by entry.

Writes test/fixtures/labels/confident-learning.json: a few seeded problems
(probabilities, noisy labels) and every intermediate result.
"""

import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "labels", "confident-learning.json")

FLOATING_POINT_COMPARISON = 1e-6
CONFIDENT_THRESHOLDS_LOWER_BOUND = 2 * FLOATING_POINT_COMPARISON
TINY_VALUE = 1e-100


def confident_thresholds(labels, probs):
    K = probs.shape[1]
    present = set(labels.tolist())
    big = 2 * probs.max()
    t = [probs[labels == k, k].mean() if k in present else big for k in range(K)]
    return np.clip(np.array(t), CONFIDENT_THRESHOLDS_LOWER_BOUND, None)


def round_preserving_sum(values):
    floats = np.asarray(values, dtype=float)
    ints = floats.round()
    orig_sum = np.sum(floats).round()
    int_sum = np.sum(ints).round()
    while abs(int_sum - orig_sum) > 1e-6:
        diff = np.round(orig_sum - int_sum)
        increment = -1 if diff < 0 else 1
        changes = min(int(abs(diff)), len(floats))
        # Stable ascending order reversed (the TypeScript port does the same; cleanlab's
        # default quicksort may order exact ties differently).
        indices = np.argsort(floats - ints, kind="stable")[::-1][:changes]
        for i in indices:
            ints[i] += increment
        int_sum = np.sum(ints).round()
    return ints


def round_preserving_row_totals(matrix):
    return np.array([round_preserving_sum(row) for row in matrix])


def calibrate(cj, labels):
    K = len(cj)
    label_counts = np.bincount(labels, minlength=K).astype(float)
    cal = (cj.T / np.clip(cj.sum(axis=1), TINY_VALUE, None) * label_counts).T
    cal = cal / np.clip(np.sum(cal), TINY_VALUE, None) * label_counts.sum()
    return round_preserving_row_totals(cal)


def confident_joint(labels, probs, do_calibrate):
    K = probs.shape[1]
    thresholds = confident_thresholds(labels, probs)
    confident = probs >= thresholds - 1e-6
    count = confident.sum(axis=1)
    at_least_one = count > 0
    more_than_one = count > 1
    guess = np.where(more_than_one, probs.argmax(axis=1), confident.argmax(axis=1))
    cj = np.zeros((K, K))
    for given, true in zip(labels[at_least_one], guess[at_least_one]):
        cj[given, true] += 1
    np.fill_diagonal(cj, cj.diagonal().clip(min=1))
    off = np.arange(len(labels))[at_least_one][guess[at_least_one] != labels[at_least_one]]
    return (calibrate(cj, labels) if do_calibrate else cj), off, thresholds


def keep_at_least_one_per_class(prune):
    diagonal = np.diagonal(prune).copy()
    new_diagonal = np.maximum(diagonal, 1)
    diff_per_col = new_diagonal - diagonal
    per_col = np.maximum(np.count_nonzero(prune, axis=0) - 1.0, 1.0)
    new = prune - diff_per_col / per_col
    new[new < 0] = 0
    np.fill_diagonal(new, new_diagonal)
    # _reduce_prune_counts with frac_noise = 1: unchanged, then cast to int (truncation).
    new = new.astype(int).astype(float)
    return round_preserving_row_totals(new).astype(int)


def find_label_issues(labels, probs):
    K = probs.shape[1]
    cj, _, _ = confident_joint(labels, probs, True)
    prune = keep_at_least_one_per_class(cj.T)
    mask = np.zeros(len(labels), dtype=bool)
    for k in range(K):
        rows = np.flatnonzero(labels == k)
        if len(rows) <= 1:
            continue
        for j in range(K):
            count = prune[j, k]
            if j == k or count <= 0:
                continue
            margin = probs[rows, j] - probs[rows, k]
            order = np.argsort(-margin, kind="stable")
            mask[rows[order[:count]]] = True
    mask[probs.argmax(axis=1) == labels] = False
    return mask, prune


def num_label_issues(labels, probs):
    _, off, _ = confident_joint(labels, probs, False)
    mask = np.zeros(len(labels), dtype=bool)
    mask[off] = True
    nudged = probs.copy()
    nudged[np.arange(len(labels)), labels] += FLOATING_POINT_COMPARISON
    mask[nudged.argmax(axis=1) == labels] = False
    cal, _, _ = confident_joint(labels, probs, True)
    joint = cal / np.clip(float(np.sum(cal)), TINY_VALUE, None)
    calibrated = int(np.rint((1.0 - joint.trace()) * len(labels)))
    return int(mask.sum()), calibrated


def problem(rng, n, K, noise, sharpness, absent=None):
    """Probabilities of a classifier that is right most of the time, and labels with `noise` flipped."""
    truth = rng.integers(0, K, n)
    if absent is not None:
        truth[truth == absent] = (absent + 1) % K
    logits = rng.normal(0, 1, (n, K))
    logits[np.arange(n), truth] += sharpness
    # Some classes confused in pairs, as real classifiers do.
    logits[:, 1] += 0.6 * logits[:, 0]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = truth.copy()
    flip = rng.random(n) < noise
    labels[flip] = (truth[flip] + rng.integers(1, K, flip.sum())) % K
    if absent is not None:
        labels[labels == absent] = (absent + 2) % K
    return probs, labels, truth


def case(name, probs, labels):
    cj, off, thresholds = confident_joint(labels, probs, False)
    cal, _, _ = confident_joint(labels, probs, True)
    mask, prune = find_label_issues(labels, probs)
    off_count, calibrated = num_label_issues(labels, probs)
    return {
        "name": name,
        "numClasses": int(probs.shape[1]),
        "probabilities": [float(v) for v in probs.ravel()],
        "labels": labels.tolist(),
        "thresholds": thresholds.tolist(),
        "confidentJoint": cj.ravel().tolist(),
        "offDiagonal": off.tolist(),
        "calibratedJoint": cal.ravel().tolist(),
        "pruneCounts": prune.ravel().tolist(),
        "issues": np.flatnonzero(mask).tolist(),
        "numIssuesOffDiagonal": off_count,
        "numIssuesCalibrated": calibrated,
    }


def main():
    rng = np.random.default_rng(20261201)
    cases = [
        case("4 classes, 10% noise", *problem(rng, 400, 4, 0.1, 2.5)[:2]),
        case("10 classes, 20% noise, a weak classifier", *problem(rng, 600, 10, 0.2, 1.5)[:2]),
        case("3 classes, one class never given", *problem(rng, 300, 3, 0.15, 2.0, absent=2)[:2]),
        case("2 classes, 10% noise", *problem(rng, 250, 2, 0.1, 2.0)[:2]),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "scripts/make-label-references.py", "cases": cases}, f)
    for c in cases:
        print(f"{c['name']}: {len(c['issues'])} issues, num_label_issues {c['numIssuesOffDiagonal']} / {c['numIssuesCalibrated']}")


if __name__ == "__main__":
    main()
