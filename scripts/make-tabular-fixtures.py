#!/usr/bin/python3
"""Build the tabular fixtures (test/fixtures/tabular/) from scikit-learn's bundled tables.

Run from the repository root with the Debian Python (python3-sklearn, python3-torch, python3-onnx):

    /usr/bin/python3 scripts/make-tabular-fixtures.py

What it writes, and why:
  * breast-cancer.csv, wine.csv: sklearn's load_breast_cancer (569 x 30) and load_wine
    (178 x 13) with a `label` column (class names) in which 10% of the rows are flipped
    uniformly to another class (seed 0). The label-issue evaluation and tests measure how
    many of these flips a scan finds, with and without standardised features.
  * <table>-truth.csv: index,given_label,true_label,flipped for those flips (seed 0).
  * <table>-seeds.csv: index,true_label,seed0..seed9: the labels under ten seeded flip
    draws (seed0 = the CSV's labels), for evaluations over several seeds.
  * standard-scaler/: sklearn StandardScaler outputs the standardisation is tested against.
  * wine-mlp.onnx + wine-mlp.margin.json: a small PyTorch MLP (13 -> 32 -> 16 -> 3) trained on
    the wine table's true labels, taking features standardised by the sidecar's per-feature
    mean/std; exported with a dynamic batch; and its torch reference (inputs, logits,
    embeddings = the input of the last Linear) for every row of wine.csv.

Everything is seeded and torch runs on 2 threads, so a rerun reproduces the same files.
"""

import csv
import json
import os
import shutil

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "tabular")
SCRIPT = "scripts/make-tabular-fixtures.py"
SEED = 20240611
FLIP_RATE = 0.10
FLIP_SEEDS = list(range(10))
OPSET = 17
EPOCHS, LR = 400, 1e-2


def tables():
    """(name, float32 features, true class codes, class names, feature names) for each table."""
    out = []
    for name, loader in (("breast-cancer", load_breast_cancer), ("wine", load_wine)):
        bunch = loader()
        # The CSV holds float64 values; the app reads them as float32, so every reference is
        # computed from the float32-rounded values.
        out.append((name, bunch.data.astype(np.float32), bunch.target.astype(np.int64),
                    [str(n) for n in bunch.target_names], [str(n) for n in bunch.feature_names]))
    return out


def flipped_labels(codes, classes, seed):
    """round(10%) rows, drawn without replacement, each moved to another class uniformly."""
    rng = np.random.default_rng(SEED + seed)
    count = int(round(FLIP_RATE * len(codes)))
    rows = rng.choice(len(codes), size=count, replace=False)
    given = codes.copy()
    given[rows] = (codes[rows] + rng.integers(1, classes, size=count)) % classes
    return given


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def float_text(value):
    """Shortest text that reads back as the same float32."""
    return np.format_float_positional(np.float32(value), unique=True, trim="-")


def write_table(name, x, codes, class_names, feature_names):
    seeds = [flipped_labels(codes, len(class_names), s) for s in FLIP_SEEDS]
    given = seeds[0]
    write_csv(os.path.join(OUT, f"{name}.csv"), feature_names + ["label"],
              [[float_text(v) for v in row] + [class_names[g]] for row, g in zip(x, given)])
    write_csv(os.path.join(OUT, f"{name}-truth.csv"), ["index", "given_label", "true_label", "flipped"],
              [[i, class_names[g], class_names[t], int(g != t)] for i, (g, t) in enumerate(zip(given, codes))])
    write_csv(os.path.join(OUT, f"{name}-seeds.csv"), ["index", "true_label"] + [f"seed{s}" for s in FLIP_SEEDS],
              [[i, class_names[codes[i]]] + [class_names[s[i]] for s in seeds] for i in range(len(codes))])
    return int((given != codes).sum())


def write_scaler_references(wine_x, wine_features):
    """StandardScaler (population sd; a constant column's scale is 1, so it becomes 0) outputs."""
    folder = os.path.join(OUT, "standard-scaler")
    os.makedirs(folder)
    x64 = wine_x.astype(np.float64)
    np.save(os.path.join(folder, "wine.npy"), StandardScaler().fit_transform(x64).astype(np.float32))
    # A small table with a constant column and a column that is almost constant.
    rows = x64[:20, :3].copy()
    constant = np.full((20, 1), 7.25)
    tiny = (np.arange(20) % 2 * 1e-3 + 5).reshape(20, 1).astype(np.float32).astype(np.float64)
    small = np.hstack([rows, constant, tiny])
    header = wine_features[:3] + ["constant", "tiny"] + ["label"]
    write_csv(os.path.join(folder, "constant-column.csv"), header,
              [[float_text(v) for v in row] + ["class_0"] for row in small])
    scaler = StandardScaler().fit(small)
    np.save(os.path.join(folder, "constant-column.npy"), scaler.transform(small).astype(np.float32))


class WineMlp(nn.Module):
    def __init__(self, inputs, classes):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(inputs, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU())
        self.head = nn.Linear(16, classes)

    def forward(self, x):
        return self.head(self.body(x))


def train_mlp(x, codes, classes):
    mean = x.mean(axis=0, dtype=np.float64).astype(np.float32)
    std = x.std(axis=0, dtype=np.float64).astype(np.float32)
    inputs = torch.from_numpy((x - mean) / std)
    targets = torch.from_numpy(codes)
    torch.manual_seed(SEED)
    model = WineMlp(x.shape[1], classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs), targets)
        loss.backward()
        optimizer.step()
    model.eval()
    return model, mean, std, inputs


def export_mlp(model, features, class_names, mean, std, inputs):
    path = os.path.join(OUT, "wine-mlp.onnx")
    torch.onnx.export(model, inputs[:2], path, input_names=["features"], output_names=["logits"],
                      dynamic_axes={"features": {0: "N"}, "logits": {0: "N"}},
                      opset_version=OPSET, do_constant_folding=False)
    onnx.checker.check_model(onnx.load(path))
    sidecar = {"input": {"name": "features", "features": features,
                         "mean": [float(m) for m in mean], "std": [float(s) for s in std]},
               "labels": class_names, "logits": "logits", "embedding": None}
    with open(os.path.join(OUT, "wine-mlp.margin.json"), "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")
    with torch.no_grad():
        embeddings = model.body(inputs)
        logits = model.head(embeddings)
    np.save(os.path.join(OUT, "wine-mlp-inputs.npy"), inputs.numpy())
    np.save(os.path.join(OUT, "wine-mlp-logits.npy"), logits.numpy())
    np.save(os.path.join(OUT, "wine-mlp-embeddings.npy"), embeddings.numpy())


def main():
    torch.set_num_threads(2)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    flips = {}
    loaded = tables()
    for name, x, codes, class_names, feature_names in loaded:
        flips[name] = write_table(name, x, codes, class_names, feature_names)
        print(f"{name}: {x.shape[0]} rows x {x.shape[1]} features, {flips[name]} flipped (seed 0)")
    _, wine_x, wine_codes, wine_classes, wine_features = loaded[1]
    write_scaler_references(wine_x, wine_features)
    model, mean, std, inputs = train_mlp(wine_x, wine_codes, len(wine_classes))
    export_mlp(model, wine_features, wine_classes, mean, std, inputs)
    with torch.no_grad():
        accuracy = float((model(inputs).argmax(1).numpy() == wine_codes).mean())
    print(f"wine MLP: training accuracy {accuracy:.4f}")
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README.format(script=SCRIPT, seed=SEED, bc=flips["breast-cancer"], wine=flips["wine"],
                              opset=OPSET, epochs=EPOCHS, accuracy=accuracy))


README = """# Tabular fixtures

Made by `{script}` (run `/usr/bin/python3 {script}` from the repository root; a few seconds;
it rebuilds this folder). scikit-learn's bundled tables, seed {seed}, torch on 2 threads.
No model was trained on the label columns below: they are real data that chose nothing,
which is what "held out" means when no model is involved.

- `breast-cancer.csv` — `load_breast_cancer()`: 569 rows, 30 numeric columns (sklearn's feature
  names) and `label` (malignant/benign), {bc} labels (10%) flipped to the other class (seed 0).
- `wine.csv` — `load_wine()`: 178 rows, 13 numeric columns and `label` (class_0..class_2),
  {wine} labels flipped uniformly to another class (seed 0).
- `<table>-truth.csv` — `index,given_label,true_label,flipped` for the CSV's labels.
- `<table>-seeds.csv` — `index,true_label,seed0..seed9`: the labels under ten seeded draws of
  10% flips (`seed0` is the CSV's `label` column).
- Values are written as the shortest text that reads back as the same float32 (the app
  reads features as float32); every reference below is computed from those float32 values.
- `standard-scaler/wine.npy` — `StandardScaler().fit_transform` of wine.csv's 13 features
  (float64, saved float32; population standard deviation).
- `standard-scaler/constant-column.csv` — wine rows 0..19, its first 3 columns, a constant
  column (7.25) and an almost constant one (5 and 5.001); `constant-column.npy` — its
  StandardScaler output (a constant column has scale 1, so it becomes 0).
- `wine-mlp.onnx` — PyTorch MLP Linear 13→32, ReLU, Linear 32→16, ReLU, Linear 16→3, trained
  {epochs} full-batch Adam steps on wine's true labels (training accuracy {accuracy:.4f});
  opset {opset}, input `features` [N, 13] (dynamic batch), output `logits` [N, 3].
- `wine-mlp.margin.json` — its sidecar: `input.features` (the 13 column names in order),
  `input.mean`/`input.std` (13 entries each: the table's float32 column means and population
  standard deviations, which the MLP was trained behind), the class names.
- `wine-mlp-inputs.npy` — the model inputs (x − mean) / std for every row of wine.csv, float32 178×13.
- `wine-mlp-logits.npy` — PyTorch logits for them, float32 178×3.
- `wine-mlp-embeddings.npy` — the input of the last Linear (after the second ReLU), float32 178×16.
"""

if __name__ == "__main__":
    main()
