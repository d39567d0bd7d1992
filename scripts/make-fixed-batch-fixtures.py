#!/usr/bin/python3
"""Export the fixture CNN with a fixed batch, as torch.onnx.export does by default.

Run from the repository root with the Debian Python (python3-torch, python3-onnx):

    /usr/bin/python3 scripts/make-fixed-batch-fixtures.py

`torch.onnx.export` without `dynamic_axes` declares the batch of its example input
as a fixed dimension; onnxruntime then refuses any other batch. This script loads
the weights of test/fixtures/fmnist/model.onnx (made by scripts/make-fixtures.py)
into the same PyTorch module and exports it twice, with example batches of 1 and
4 and no dynamic axes, into test/fixtures/fixed-batch/, with the same sidecar.
It also writes a manifest of 42 of the fixture images (42 = 10 x 4 + 2, so a
batch of 4 needs a padded last run).
"""

import csv
import importlib.util
import os
import shutil

import numpy as np
import onnx
import torch
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FMNIST = os.path.join(ROOT, "test", "fixtures", "fmnist")
OUT = os.path.join(ROOT, "test", "fixtures", "fixed-batch")
SCRIPT = "scripts/make-fixed-batch-fixtures.py"
BATCHES = [1, 4]
IMAGES = 42


def fixture_cnn_module():
    """The SmallCnn class of scripts/make-fixtures.py (its main() is not run)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", os.path.join(ROOT, "scripts", "make-fixtures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SmallCnn


def load_fixture_cnn():
    model = fixture_cnn_module()()
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
               for t in onnx.load(os.path.join(FMNIST, "model.onnx")).graph.initializer}
    state = model.state_dict()
    missing = [name for name in state if name not in weights and not name.endswith("num_batches_tracked")]
    if missing:
        raise SystemExit(f"model.onnx lacks weights {missing}")
    model.load_state_dict({name: weights.get(name, value) for name, value in state.items()})
    model.eval()
    return model


def write_manifest():
    """The first IMAGES rows of fmnist/manifest.csv, with paths relative to this folder."""
    with open(os.path.join(FMNIST, "manifest.csv")) as f:
        rows = list(csv.DictReader(f))[:IMAGES]
    with open(os.path.join(OUT, "images.csv"), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["path", "label"])
        for row in rows:
            writer.writerow([os.path.join("..", "fmnist", row["path"]), row["label"]])


def main():
    torch.set_num_threads(2)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    model = load_fixture_cnn()
    for batch in BATCHES:
        path = os.path.join(OUT, f"model-batch{batch}.onnx")
        # No dynamic_axes: the exporter's default, which declares the example's batch.
        torch.onnx.export(model, torch.zeros(batch, 1, 28, 28), path, input_names=["pixels"],
                          output_names=["logits"], opset_version=13, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.PRESERVE)
        declared = onnx.load(path).graph.input[0].type.tensor_type.shape.dim[0].dim_value
        assert declared == batch, f"{path} declares batch {declared}"
        shutil.copyfile(os.path.join(FMNIST, "model.margin.json"), os.path.join(OUT, f"model-batch{batch}.margin.json"))
        print(f"model-batch{batch}.onnx: input pixels [{batch}, 1, 28, 28]")
    write_manifest()
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README.format(script=SCRIPT, images=IMAGES))


README = """# Fixed-batch models

Made by `{script}` (run `/usr/bin/python3 {script}` from the repository root, after
`scripts/make-fixtures.py`): the fixture CNN `../fmnist/model.onnx`, its weights loaded
into the same PyTorch module and exported again **without `dynamic_axes`** (the
exporter's default), so the model declares a fixed batch and onnxruntime refuses any
other.

- `model-batch1.onnx` — input `pixels` [1, 1, 28, 28], output `logits` [1, 10]; opset 13.
- `model-batch4.onnx` — input `pixels` [4, 1, 28, 28], output `logits` [4, 10]; opset 13.
- `model-batch{{1,4}}.margin.json` — copies of `../fmnist/model.margin.json`.
- `images.csv` — the first {images} rows of `../fmnist/manifest.csv` (`path,label`, paths
  relative to this folder); {images} = 10 × 4 + 2, so batches of 4 end with a padded run.
"""

if __name__ == "__main__":
    main()
