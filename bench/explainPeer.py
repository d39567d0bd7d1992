#!/usr/bin/python3
"""The PyTorch column of bench/explain.ts: the same gradient, integrated-gradients
and occlusion maps, on the same model and inputs, timed the same way.

bench/explain.ts runs it (never the product); by hand:

    /usr/bin/python3 bench/explainPeer.py --model fmnist --onnx M.onnx --inputs X.f32 \
        --logits L.f32 --repeats 5 --ig-steps 64

The torch module is rebuilt from the ONNX file's initializers (the ONNX models were
exported from these very modules, so the initializer names are the state-dict
names): the fixture CNN with make-fixtures.py's SmallCnn, as
make-autodiff-fixtures.py does, and the ResNet-18 with that script's ResNet18.
The logits ONNX Runtime gave for the inputs (--logits) are compared with torch's,
so a column is never timed on a different model.

The methods follow src/model/attribution/: the gradient of logit[target] at one
input; IG with zeros as baseline and the midpoint rule (all steps in one batch,
as ours sends them in one call); occlusion with a patch of round(min(H, W)/7),
stride max(1, patch // 2), the last row and column of positions included, zeros
as fill and 32 occluded copies per forward pass. Times are medians over
`repeats` maps of different inputs after one warm-up. Each method is timed
with 1 and with 2 threads and the faster is kept (onnxruntime uses one thread
per core): on a shared 2-core machine torch's OpenMP threads wait for each
other at every op, and a tiny CNN's gradient took 1 ms on 1 thread but 25–90 ms
on 2. Prints one JSON object.
"""

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

SCRIPTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts")
PATCHES_PER_RUN = 32


def load_script(filename):
    # The fixture scripts import their neighbours in scripts/ (random_batchnorm.py) by name.
    if SCRIPTS not in sys.path:
        sys.path.insert(0, SCRIPTS)
    spec = importlib.util.spec_from_file_location(filename.replace("-", "_")[:-3], os.path.join(SCRIPTS, filename))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torch_model(kind, onnx_path):
    import onnx
    from onnx import numpy_helper

    if kind == "fmnist":
        model = load_script("make-fixtures.py").SmallCnn()
    elif kind == "resnet18":
        model = load_script("make-autodiff-fixtures.py").ResNet18()
    else:
        sys.exit(f"unknown model kind {kind}")
    proto = onnx.load(onnx_path)
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in proto.graph.initializer}
    missing, unexpected = model.load_state_dict(weights, strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    return model.eval()


def gradient(model, x, target):
    x = x.clone().requires_grad_(True)
    model(x)[0, target].backward()
    return x.grad


def integrated_gradients(model, x, target, steps):
    alphas = (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
    path = (alphas.view(-1, 1, 1, 1) * x).requires_grad_(True)  # baseline zeros
    model(path)[:, target].sum().backward()
    return x[0] * path.grad.mean(0)


def starts(size, patch, stride):
    positions = list(range(0, size - patch + 1, stride))
    if positions[-1] != size - patch:
        positions.append(size - patch)
    return positions


def occlusion(model, x, target):
    _, _, height, width = x.shape
    patch = max(1, round(min(height, width) / 7))
    stride = max(1, patch // 2)
    patches = [(y0, x0) for y0 in starts(height, patch, stride) for x0 in starts(width, patch, stride)]
    drop = torch.zeros(height, width, dtype=torch.float64)
    covered = torch.zeros(height, width, dtype=torch.float64)
    with torch.no_grad():
        reference = float(model(x)[0, target])
        for first in range(0, len(patches), PATCHES_PER_RUN):
            run = patches[first:first + PATCHES_PER_RUN]
            batch = x.repeat(len(run), 1, 1, 1)
            for slot, (y0, x0) in enumerate(run):
                batch[slot, :, y0:y0 + patch, x0:x0 + patch] = 0
            logits = model(batch)[:, target]
            for slot, (y0, x0) in enumerate(run):
                drop[y0:y0 + patch, x0:x0 + patch] += reference - float(logits[slot])
                covered[y0:y0 + patch, x0:x0 + patch] += 1
    return (drop / covered).expand(x.shape[1], -1, -1)


def median_ms(repeats, body):
    body(repeats)  # warm-up
    times = []
    for run in range(repeats):
        started = time.perf_counter()
        body(run)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, choices=["fmnist", "resnet18"])
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--inputs", required=True, help="float32 raw file, count × sample")
    parser.add_argument("--logits", required=True, help="float32 raw file: ONNX Runtime's logits of the inputs")
    parser.add_argument("--shape", required=True, help="per-sample shape, e.g. 1,28,28")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ig-steps", type=int, default=64)
    parser.add_argument("--occlusion-once", action="store_true", help="one occlusion map, no warm-up")
    args = parser.parse_args()

    shape = [int(d) for d in args.shape.split(",")]
    inputs = torch.from_numpy(np.fromfile(args.inputs, dtype=np.float32).reshape(-1, *shape))
    onnx_logits = np.fromfile(args.logits, dtype=np.float32).reshape(inputs.shape[0], -1)
    model = torch_model(args.model, args.onnx)
    with torch.no_grad():
        logits = model(inputs).numpy()
    difference = float(np.abs(logits - onnx_logits).max())
    scale = float(np.abs(onnx_logits).max())
    if difference > 1e-3 * max(1.0, scale):
        sys.exit(f"torch's logits differ from ONNX Runtime's by {difference} (scale {scale}): not the same model")
    targets = logits.argmax(1)
    count = inputs.shape[0]

    def at(run):
        i = run % count
        return inputs[i:i + 1], int(targets[i])

    def once(body):
        started = time.perf_counter()
        body(0)
        return (time.perf_counter() - started) * 1000

    methods = {
        "gradient": (lambda run: gradient(model, *at(run)), False),
        "ig": (lambda run: integrated_gradients(model, *at(run), args.ig_steps), False),
        "occlusion": (lambda run: occlusion(model, *at(run)), args.occlusion_once),
    }
    result = {"torch": torch.__version__, "logitsMaxDifference": difference, "threads": {}}
    for name, (body, single) in methods.items():
        best = None
        for threads in (1, 2):
            torch.set_num_threads(threads)
            ms = once(body) if single else median_ms(args.repeats, body)
            if best is None or ms < best[0]:
                best = (ms, threads)
        result[name] = best[0]
        result["threads"][name] = best[1]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
