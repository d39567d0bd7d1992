#!/usr/bin/python3
"""Adversarial examples and references for the adversarial task, made by PyTorch.

Run from the repository root with the Debian Python (it has torch, onnx, sklearn, scipy):

    /usr/bin/python3 scripts/make-adversarial-fixtures.py            # everything below
    /usr/bin/python3 scripts/make-adversarial-fixtures.py --eval     # only the evaluation attack sets
    /usr/bin/python3 scripts/make-adversarial-fixtures.py --fixtures # only the committed files

The model is the fixture CNN test/fixtures/fmnist/model.onnx, rebuilt as a PyTorch
module from its ONNX initializers (its architecture comes from scripts/make-fixtures.py).
Attacks are L-infinity, untargeted, on the cross-entropy against the TRUE label, in unit
pixel space u = pixel / 255 (the model takes x = (u - 0.286) / 0.353), clipped to [0, 1]:

  * FGSM: u + eps * sign(grad), eps = 0.1;
  * PGD: uniform random start in the eps-ball, then 20 steps of 0.01, each projected
    back onto the ball and into [0, 1] (Madry et al.).

What it writes:

  bench/.cache/adversarial/ (git-ignored; `npx tsx bench/eval/run.ts --task adversarial` reads it)
    t10k-fgsm-eps0.1.npy, t10k-pgd-eps0.1.npy  float32 10000x28x28 in [0, 1] (NOT quantised):
                                              the attacked t10k images, in t10k order
    t10k-attacks.json                          the parameters, seed and success rates

  examples/fashion-mnist/adversarial/
    images/sample-NNN.png  100 clean t10k images the model classifies correctly, 50 FGSM and
                           50 PGD attacks (eps = 0.1) of other such images, 8-bit PNG, shuffled
    inputs.csv             `path`: the 200 images, no labels (the data under test)
    truth.csv              the answer key: path, kind (clean|fgsm|pgd), t10k index, true label,
                           the model's prediction on the PNG
    README.md

  test/fixtures/adversarial/
    images/sample-NN.png   30 clean + 15 FGSM + 15 PGD, made the same way from other images
    inputs.csv, truth.csv  as above
    inputs-labelled.csv    `path,label`: the true label of each image's source
    inputs-mislabelled.csv `path,label`: every label replaced by another class (the data's labels must not matter)
    fgsm-reference.json    t10k 0..7 (the pixels16 fixture): torch's d CE / d u and FGSM eps = 0.1
    logistic-reference.json  sklearn LogisticRegression on StandardScaler'd features (two problems)
    squeeze-reference.json scipy.ndimage.median_filter(size 3, mode 'reflect') and bit-depth references
    README.md

PNG quantisation (round to the nearest 1/255) changes an attack slightly: an attack is kept
only if the model still misclassifies the quantised PNG. The images come from t10k indices
that no other fixture or example uses (0..299 feed the IDX/NPY fixtures; the noisy fixture
folder and examples/fashion-mnist/images use 1,000 each). Everything is seeded; torch runs
on 2 threads.
"""

import argparse
import csv
import gzip
import importlib.util
import json
import os
import re
import shutil
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
FMNIST = os.path.join(FIXTURES, "fmnist")
MODEL = os.path.join(FMNIST, "model.onnx")
OUT_FIXTURE = os.path.join(FIXTURES, "adversarial")
OUT_EXAMPLE = os.path.join(ROOT, "examples", "fashion-mnist", "adversarial")
OUT_EVAL = os.path.join(ROOT, "bench", ".cache", "adversarial")
DATASET_DIR = "/usr/share/datasets/fashion-mnist"
SCRIPT = "scripts/make-adversarial-fixtures.py"

SEED = 20240611
MEAN, STD = np.float32(0.2860), np.float32(0.3530)
EPSILON = 0.1
PGD_STEPS, PGD_STEP = 20, 0.01
LABELS = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]


def rel(path):
    return os.path.relpath(path, ROOT)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fixture_model():
    """test/fixtures/fmnist/model.onnx as a PyTorch module (weights from its initializers)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(ROOT, "scripts", "make-fixtures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    proto = onnx.load(MODEL)
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in proto.graph.initializer}
    model = module.SmallCnn()
    missing, unexpected = model.load_state_dict(weights, strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    model.eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    inputs16 = np.load(os.path.join(FMNIST, "reference", "inputs16.npy"))
    logits16 = np.load(os.path.join(FMNIST, "reference", "logits16.npy"))
    with torch.no_grad():
        diff = float(np.abs(model(torch.from_numpy(inputs16)).numpy() - logits16).max())
    assert diff <= 1e-4, f"rebuilt model differs from the ONNX reference logits by {diff}"
    return model


def to_input(u):
    """Unit pixels N x 28 x 28 -> model input N x 1 x 28 x 28 (the sidecar's preprocessing, float32)."""
    return ((u - MEAN) / STD).unsqueeze(1)


def ce_gradient(model, u, y):
    """d sum_i CE(model(u_i), y_i) / d u, and the logits."""
    u = u.clone().requires_grad_(True)
    logits = model(to_input(u))
    loss = F.cross_entropy(logits, y, reduction="sum")
    (grad,) = torch.autograd.grad(loss, u)
    return grad, logits.detach()


def fgsm(model, u, y, eps):
    grad, _ = ce_gradient(model, u, y)
    return (u + eps * grad.sign()).clamp(0, 1)


def pgd(model, u, y, eps, steps, step, generator):
    start = (u + (torch.rand(u.shape, generator=generator) * 2 - 1) * eps).clamp(0, 1)
    current = start
    for _ in range(steps):
        grad, _ = ce_gradient(model, current, y)
        current = torch.min(torch.max(current + step * grad.sign(), u - eps), u + eps).clamp(0, 1)
    return current


def in_batches(fn, u, y, size=1000):
    return torch.cat([fn(u[i:i + size], y[i:i + size]) for i in range(0, len(u), size)])


@torch.no_grad()
def predict(model, u):
    return torch.cat([model(to_input(u[i:i + 2000])).argmax(1) for i in range(0, len(u), 2000)]).numpy()


def quantise(u):
    """What an 8-bit PNG stores: the nearest multiple of 1/255."""
    return torch.round(u * 255) / 255


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


# ---------------------------------------------------------------- evaluation attack sets

def write_eval_sets(model, x, y):
    os.makedirs(OUT_EVAL, exist_ok=True)
    u = torch.from_numpy(x.astype(np.float32) / 255)
    labels = torch.from_numpy(y)
    clean = predict(model, u)
    meta = {"script": SCRIPT, "seed": SEED, "epsilon": EPSILON, "space": "unit pixels [0, 1], float32, not quantised",
            "loss": "cross-entropy against the true label", "clean_accuracy": float((clean == y).mean())}
    generator = torch.Generator().manual_seed(SEED)
    attacks = {
        "fgsm": lambda a, b: fgsm(model, a, b, EPSILON),
        "pgd": lambda a, b: pgd(model, a, b, EPSILON, PGD_STEPS, PGD_STEP, generator),
    }
    for name, attack in attacks.items():
        adversarial = in_batches(attack, u, labels)
        assert float((adversarial - u).abs().max()) <= EPSILON + 1e-6
        path = os.path.join(OUT_EVAL, f"t10k-{name}-eps{EPSILON}.npy")
        np.save(path + ".tmp.npy", adversarial.numpy().astype(np.float32))
        os.replace(path + ".tmp.npy", path)
        after = predict(model, adversarial)
        correct = clean == y
        success = float(((after != y) & correct).sum() / correct.sum())
        meta[name] = {"file": os.path.basename(path), "success_on_correct": success,
                      **({"steps": PGD_STEPS, "step": PGD_STEP, "random_start": True} if name == "pgd" else {})}
        print(f"eval: {rel(path)}: {name} success on correctly classified images {success:.4f}", flush=True)
    write_json(os.path.join(OUT_EVAL, "t10k-attacks.json"), meta)


# ---------------------------------------------------------------- small committed sets

def used_t10k_indices():
    """t10k images other fixtures and the labels example already use."""
    used = set(range(300))
    for truth in [os.path.join(FMNIST, "noisy-truth.csv"), os.path.join(ROOT, "examples", "fashion-mnist", "flipped.csv")]:
        with open(truth) as f:
            for row in csv.DictReader(f):
                used.add(int(re.search(r"t10k-(\d+)\.png", row["id"]).group(1)))
    return used


def attacked_set(model, x, y, pool, count, kind, generator):
    """`count` attacks of images from `pool` (in order) that still fool the model once saved as 8-bit PNG."""
    kept, used = [], []
    for start in range(0, len(pool), 200):
        chunk = pool[start:start + 200]
        u = torch.from_numpy(x[chunk].astype(np.float32) / 255)
        labels = torch.from_numpy(y[chunk])
        adversarial = fgsm(model, u, labels, EPSILON) if kind == "fgsm" else \
            pgd(model, u, labels, EPSILON, PGD_STEPS, PGD_STEP, generator)
        stored = quantise(adversarial)
        # Quantising can move a pixel by up to 1/510 past the ball; the PNG is what is shipped.
        predicted = predict(model, stored)
        for i, index in enumerate(chunk):
            used.append(index)
            if predicted[i] != y[index]:
                kept.append((index, (stored[i].numpy() * 255).round().astype(np.uint8), int(predicted[i])))
            if len(kept) == count:
                return kept, used
    raise RuntimeError(f"only {len(kept)} {kind} attacks survived quantisation")


def write_image_set(folder, model, x, y, pool, counts, rng, generator, with_label_files):
    """Clean + FGSM + PGD images from disjoint parts of `pool`, shuffled, named sample-NNN.png."""
    if os.path.isdir(os.path.join(folder, "images")):
        shutil.rmtree(os.path.join(folder, "images"))
    os.makedirs(os.path.join(folder, "images"))
    n_clean, n_fgsm, n_pgd = counts
    clean = pool[:n_clean]
    entries = [("clean", int(i), x[i], int(predict(model, torch.from_numpy(x[i:i + 1].astype(np.float32) / 255))[0]))
               for i in clean]
    rest = pool[n_clean:]
    fgsm_kept, fgsm_used = attacked_set(model, x, y, rest, n_fgsm, "fgsm", generator)
    fgsm_tried = set(fgsm_used)
    rest = [i for i in rest if i not in fgsm_tried]
    pgd_kept, pgd_used = attacked_set(model, x, y, rest, n_pgd, "pgd", generator)
    entries += [("fgsm", int(i), image, p) for i, image, p in fgsm_kept]
    entries += [("pgd", int(i), image, p) for i, image, p in pgd_kept]
    order = rng.permutation(len(entries))
    width = len(str(len(entries)))
    truth, labelled, mislabelled = [], [], []
    for position, e in enumerate(order):
        kind, index, image, predicted = entries[e]
        name = f"images/sample-{position + 1:0{width}d}.png"
        Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8), mode="L").save(os.path.join(folder, name))
        truth.append((name, kind, index, LABELS[y[index]], LABELS[predicted]))
        labelled.append((name, LABELS[y[index]]))
        mislabelled.append((name, LABELS[(y[index] + 1 + rng.integers(0, 9)) % 10]))
    write_csv(os.path.join(folder, "inputs.csv"), ["path"], [(name,) for name, *_ in truth])
    write_csv(os.path.join(folder, "truth.csv"), ["path", "kind", "t10k_index", "true_label", "predicted"], truth)
    if with_label_files:
        write_csv(os.path.join(folder, "inputs-labelled.csv"), ["path", "label"], labelled)
        write_csv(os.path.join(folder, "inputs-mislabelled.csv"), ["path", "label"], mislabelled)
    used = set(clean) | set(fgsm_used) | set(pgd_used)
    print(f"{rel(folder)}: {n_clean} clean, {len(fgsm_kept)} FGSM (of {len(fgsm_used)} tried), "
          f"{len(pgd_kept)} PGD (of {len(pgd_used)} tried) kept after PNG quantisation", flush=True)
    return used, (len(fgsm_used), len(pgd_used))


def write_fgsm_reference(model):
    pixels = np.load(os.path.join(FMNIST, "reference", "pixels16.npy"))[:8]
    labels = np.load(os.path.join(FMNIST, "reference", "labels16.npy"))[:8]
    u = torch.from_numpy(pixels.astype(np.float32) / 255)
    y = torch.from_numpy(labels.astype(np.int64))
    grad, logits = ce_gradient(model, u, y)
    adversarial = fgsm(model, u, y, EPSILON)
    with torch.no_grad():
        loss_before = F.cross_entropy(logits, y, reduction="none")
        loss_after = F.cross_entropy(model(to_input(adversarial)), y, reduction="none")
    write_json(os.path.join(OUT_FIXTURE, "fgsm-reference.json"), {
        "about": "t10k 0..7 (test/fixtures/fmnist/reference/pixels16.npy), unit pixels u = pixel/255; "
                 "gradient = d sum CE(model(u), true label) / d u by torch autograd; adversarial = clip(u + 0.1 sign(gradient), 0, 1)",
        "epsilon": EPSILON,
        "labels": labels.tolist(),
        "gradient": grad.numpy().reshape(8, -1).tolist(),
        "adversarial": adversarial.numpy().reshape(8, -1).tolist(),
        "lossBefore": loss_before.tolist(),
        "lossAfter": loss_after.tolist(),
    })


def write_logistic_reference():
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    rng = np.random.default_rng(SEED)
    problems = []
    # 1: 300 rows, 5 informative-ish features of different scales and a constant column, classes overlap.
    n = 300
    y = (rng.random(n) < 0.4).astype(int)
    x = rng.normal(size=(n, 6)) * np.array([1, 10, 0.1, 3, 1, 0])
    x[:, 0] += 1.2 * y
    x[:, 1] += 8 * y
    x[:, 3] -= 2 * y
    x[:, 5] = 7.0
    # 2: 120 rows, 3 features, with sample weights and a stronger penalty.
    m = 120
    y2 = (rng.random(m) < 0.5).astype(int)
    x2 = rng.normal(size=(m, 3)) + np.outer(y2, [0.8, -0.5, 0.0])
    w2 = rng.uniform(0.2, 3.0, size=m)
    for name, xs, ys, c, weights in [("overlap-constant-column", x, y, 1.0, None), ("weighted-c0.1", x2, y2, 0.1, w2)]:
        scaler = StandardScaler().fit(xs)
        model = LogisticRegression(C=c, tol=1e-12, max_iter=100000, solver="newton-cg")
        model.fit(scaler.transform(xs), ys, sample_weight=weights)
        problems.append({
            "name": name, "c": c, "rows": len(xs), "dim": xs.shape[1],
            "x": xs.reshape(-1).tolist(), "y": ys.tolist(),
            "sampleWeights": None if weights is None else weights.tolist(),
            "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(),
            "weights": model.coef_[0].tolist(), "bias": float(model.intercept_[0]),
            "decision": model.decision_function(scaler.transform(xs[:10])).tolist(),
        })
    write_json(os.path.join(OUT_FIXTURE, "logistic-reference.json"), {
        "about": f"{SCRIPT}: sklearn LogisticRegression(C, tol=1e-12, solver='newton-cg') on StandardScaler().fit_transform(x); "
                 "decision = decision_function of the first 10 rows",
        "problems": problems,
    })


def write_squeeze_reference():
    from scipy.ndimage import median_filter
    pixels = np.load(os.path.join(FMNIST, "reference", "pixels16.npy"))[:2].astype(np.float32) / 255
    rng = np.random.default_rng(SEED + 1)
    colour = rng.random((5, 7, 3)).astype(np.float32)  # one HWC image, 3 channels
    grey_median = np.stack([median_filter(image, size=3, mode="reflect") for image in pixels])
    colour_median = median_filter(colour, size=(3, 3, 1), mode="reflect")
    write_json(os.path.join(OUT_FIXTURE, "squeeze-reference.json"), {
        "about": f"{SCRIPT}: scipy.ndimage.median_filter(size 3, mode 'reflect') per channel; bit depth b: round(u (2^b - 1)) / (2^b - 1)",
        "grey": {"height": 28, "width": 28, "channels": 1, "images": pixels.reshape(-1).tolist(),
                 "median3": grey_median.reshape(-1).tolist(),
                 "bits1": (np.round(pixels * 1) / 1).reshape(-1).tolist(),
                 "bits4": (np.round(pixels * 15) / 15).reshape(-1).tolist()},
        "colourHwc": {"height": 5, "width": 7, "channels": 3, "image": colour.reshape(-1).tolist(),
                      "median3": colour_median.reshape(-1).tolist()},
    })


FIXTURE_README = """# Adversarial fixtures

Made by `scripts/make-adversarial-fixtures.py` (run `/usr/bin/python3 scripts/make-adversarial-fixtures.py --fixtures`
from the repository root) with PyTorch, from the fixture model `../fmnist/model.onnx` (rebuilt as a torch module from
its initializers) and Fashion-MNIST t10k images no other fixture uses. Attacks: L∞, ε = 0.1 in unit pixels
(u = pixel/255), cross-entropy against the true label; FGSM one signed step; PGD a uniform random start then 20 steps
of 0.01. Seed 20240611.

- `images/sample-NN.png` — 30 clean images the model classifies correctly, 15 FGSM and 15 PGD attacks of other such
  images, saved as 8-bit PNG; an attack is kept only if the quantised PNG still fools the model. Shuffled.
- `inputs.csv` — `path` only: the data under test, without labels.
- `inputs-labelled.csv` — `path,label`: the true class of each image's source.
- `inputs-mislabelled.csv` — `path,label`: every label replaced by another class (the detectors must ignore both).
- `truth.csv` — the answer key: `path,kind,t10k_index,true_label,predicted` (kind clean|fgsm|pgd; predicted = the
  model's class for the PNG).
- `fgsm-reference.json` — t10k 0..7 (`../fmnist/reference/pixels16.npy`): torch's d CE / d u and FGSM ε = 0.1.
- `logistic-reference.json` — sklearn `LogisticRegression(C, tol=1e-12, solver='newton-cg')` on
  `StandardScaler().fit_transform(x)`, two problems (a constant column; sample weights with C = 0.1).
- `squeeze-reference.json` — `scipy.ndimage.median_filter(size=3, mode='reflect')` of two grey images and one
  3-channel HWC image, and bit-depth reductions.

The integration test uses `../fmnist/idx/` (t10k 0..299, labelled) as the clean reference.
"""

EXAMPLE_README = """# Adversarial example

Which of these 200 images were tampered with?

- `images/sample-NNN.png` — 100 clean Fashion-MNIST test images the model classifies correctly, and 100 adversarial
  examples of other test images: 50 FGSM and 50 PGD (L∞, ε = 0.1 of the pixel range, crafted by PyTorch against
  `../model.onnx`). Every attack was saved as an 8-bit PNG and kept only if the PNG still fools the model
  ({fgsm_tried} FGSM and {pgd_tried} PGD attempts gave 50 each). The file names are shuffled and say nothing.
- `inputs.csv` — the data under test: a `path` column only (an attacker does not label its inputs).
- `truth.csv` — the answer key: `path,kind,t10k_index,true_label,predicted`.

The clean reference is the labels example's `../images/` (1,000 labelled test images, 5% of them deliberately
mislabelled; the detectors use only the reference samples the model classifies as their label):

```
margin scan --task adversarial --data examples/fashion-mnist/adversarial/inputs.csv \\
  --reference examples/fashion-mnist/images --model examples/fashion-mnist/model.onnx
```

Made by `scripts/make-adversarial-fixtures.py` (seed 20240611); the images are disjoint from every other example
and fixture image.
"""


def write_committed(model, x, y):
    rng = np.random.default_rng(SEED)
    generator = torch.Generator().manual_seed(SEED + 2)
    used = used_t10k_indices()
    correct = predict(model, torch.from_numpy(x.astype(np.float32) / 255)) == y
    pool = [i for i in rng.permutation(len(x)) if i not in used and correct[i]]
    os.makedirs(OUT_FIXTURE, exist_ok=True)
    os.makedirs(OUT_EXAMPLE, exist_ok=True)
    taken, tried = write_image_set(OUT_EXAMPLE, model, x, y, pool, (100, 50, 50), rng, generator, False)
    with open(os.path.join(OUT_EXAMPLE, "README.md"), "w") as f:
        f.write(EXAMPLE_README.format(fgsm_tried=tried[0], pgd_tried=tried[1]))
    pool = [i for i in pool if i not in taken]
    write_image_set(OUT_FIXTURE, model, x, y, pool, (30, 15, 15), rng, generator, True)
    write_fgsm_reference(model)
    write_logistic_reference()
    write_squeeze_reference()
    with open(os.path.join(OUT_FIXTURE, "README.md"), "w") as f:
        f.write(FIXTURE_README)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval", action="store_true", help="only the evaluation attack sets (bench/.cache/adversarial/)")
    parser.add_argument("--fixtures", action="store_true", help="only the committed fixtures and example")
    args = parser.parse_args()
    both = not args.eval and not args.fixtures
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    os.chdir(ROOT)
    model = fixture_model()
    x = read_idx(f"{DATASET_DIR}/t10k-images-idx3-ubyte.gz")
    y = read_idx(f"{DATASET_DIR}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    if both or args.fixtures:
        write_committed(model, x, y)
    if both or args.eval:
        write_eval_sets(model, x, y)


if __name__ == "__main__":
    sys.exit(main())
