#!/usr/bin/python3
"""Exports ten torchvision architectures (random seeded weights) for bench/zoo.ts, with float64 references.

    /usr/bin/python3 bench/zoo-export.py [--only NAME,NAME] [--batch 2] [--spread 16]

Needs the Debian python3-torch, python3-onnx and python3-torchvision (apt-get install
python3-torchvision; 0.14 matches torch 1.13). Per architecture it writes into
bench/.cache/zoo/<name>/ (skipping architectures whose folder is complete):
  model.onnx        TorchScript exporter, opset 17, eval mode, no constant folding,
                    input `input` [N,3,H,W], output `logits` [N,1000], dynamic batch
  input.npy         float32 N×3×H×W, standard normal (seeded)
  upstream.npy      float32 N×1000, standard normal (seeded)
  grad64.npy        d(Σ upstream·logits)/d input by autograd on a float64 copy (stored as float64)
  grad32.npy        the same by float32 autograd (torch's own float32 error is its distance to grad64)
  info.json         parameter count, file size, torch float32 and float64 seconds
  spread/           with --spread N (ReLU networks only): N more inputs, one at a time, with their
                    upstream, grad32 and grad64. One float32 rounding can flip a ReLU whose input is
                    within float32 error of zero; whether that happens depends on the input, so torch's
                    own float32 error is only known from many inputs, not from the two of the main batch.
BatchNorm layers get random non-trivial running statistics, so they are not identities.
"""

import argparse
import copy
import io
import json
import os
import sys
import time
import warnings
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision.models as tvm
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from random_batchnorm import randomize_batchnorm  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "bench", ".cache", "zoo")
SEED = 20240611
OPSET = 17

# name → (torchvision constructor, input side)
ARCHITECTURES = {
    "mobilenet_v2": (tvm.mobilenet_v2, 224),
    "efficientnet_b0": (tvm.efficientnet_b0, 224),
    "squeezenet1_1": (tvm.squeezenet1_1, 224),
    "densenet121": (tvm.densenet121, 224),
    "regnet_y_400mf": (tvm.regnet_y_400mf, 224),
    "shufflenet_v2_x1_0": (tvm.shufflenet_v2_x1_0, 224),
    "resnext50_32x4d": (tvm.resnext50_32x4d, 224),
    "convnext_tiny": (tvm.convnext_tiny, 224),
    "swin_t": (tvm.swin_t, 224),
    "vit_b_16": (tvm.vit_b_16, 224),
}


def rng_for(part):
    return np.random.default_rng([SEED, zlib.crc32(part.encode())])




def randomize_zero_heads(model, rng):
    """torchvision initialises ViT's classifier to zeros, which makes every input gradient zero."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear) and not m.weight.any():
                m.weight.copy_(torch.from_numpy(rng.normal(0.0, m.in_features ** -0.5, tuple(m.weight.shape))))
    return model


def export(model, side, path):
    f = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, torch.zeros(1, 3, side, side), f,
            training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False, opset_version=OPSET,
            input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        )
    data = f.getvalue()
    proto = onnx.load_from_string(data)
    with open(path + ".tmp", "wb") as out:
        out.write(data)
    os.replace(path + ".tmp", path)
    return sorted({n.op_type for n in proto.graph.node})


def vjp(model, x, upstream, dtype):
    xt = torch.from_numpy(x).to(dtype).requires_grad_(True)
    started = time.time()
    (model(xt) * torch.from_numpy(upstream).to(dtype)).sum().backward()
    return xt.grad.numpy(), time.time() - started


def build(name):
    """The architecture with its seeded random weights (the same on every call), and its input side."""
    constructor, side = ARCHITECTURES[name]
    torch.manual_seed((SEED + zlib.crc32(name.encode())) % 2 ** 31)
    model = randomize_batchnorm(constructor(), rng_for(name + "/batchnorm")).eval()
    randomize_zero_heads(model, rng_for(name + "/head"))
    return model, side


def make(name, batch):
    folder = os.path.join(CACHE, name)
    if os.path.exists(os.path.join(folder, "info.json")):
        print(f"{name}: cached")
        return
    os.makedirs(folder, exist_ok=True)
    model, side = build(name)
    started = time.time()
    ops = export(model, side, os.path.join(folder, "model.onnx"))
    export_seconds = time.time() - started
    x = rng_for(name + "/input").standard_normal((batch, 3, side, side)).astype(np.float32)
    upstream = rng_for(name + "/upstream").standard_normal((batch, 1000)).astype(np.float32)
    grad32, seconds32 = vjp(model, x, upstream, torch.float32)
    model64 = copy.deepcopy(model).double().eval()
    grad64, seconds64 = vjp(model64, x, upstream, torch.float64)
    for file, array in [("input.npy", x), ("upstream.npy", upstream), ("grad32.npy", grad32), ("grad64.npy", grad64)]:
        np.save(os.path.join(folder, file), array)
    f32_error = float(np.abs(grad32 - grad64).max() / np.abs(grad64).max())
    info = {
        "name": name, "side": side, "batch": batch, "ops": ops,
        "parameters": sum(p.numel() for p in model.parameters()),
        "megabytes": os.path.getsize(os.path.join(folder, "model.onnx")) / 1e6,
        "exportSeconds": export_seconds, "torch32Seconds": seconds32, "torch64Seconds": seconds64,
        "torch32RelativeError": f32_error,
    }
    with open(os.path.join(folder, "info.json"), "w") as out:
        json.dump(info, out, indent=2)
    print(f"{name}: {info['parameters'] / 1e6:.1f} M parameters, {info['megabytes']:.0f} MB, "
          f"export {export_seconds:.0f}s, torch f32 {seconds32:.1f}s, f64 {seconds64:.1f}s, "
          f"f32 rel err {f32_error:.1e}; ops {' '.join(ops)}", flush=True)


# Networks whose nonlinearities are all smooth (GELU) have no kink to flip; their spread adds nothing.
SMOOTH = {"convnext_tiny", "swin_t", "vit_b_16"}


def make_spread(name, count):
    """N single-input gradients in float32 and float64, saved under spread/ (see the module docstring)."""
    folder = os.path.join(CACHE, name, "spread")
    if name in SMOOTH or os.path.exists(os.path.join(folder, "grad64.npy")):
        return
    os.makedirs(folder, exist_ok=True)
    model, side = build(name)
    model64 = copy.deepcopy(model).double().eval()
    x = rng_for(name + "/spread-input").standard_normal((count, 3, side, side)).astype(np.float32)
    upstream = rng_for(name + "/spread-upstream").standard_normal((count, 1000)).astype(np.float32)
    grads = {"grad32": [], "grad64": []}
    for i in range(count):
        grads["grad32"].append(vjp(model, x[i:i + 1], upstream[i:i + 1], torch.float32)[0])
        grads["grad64"].append(vjp(model64, x[i:i + 1], upstream[i:i + 1], torch.float64)[0])
    np.save(os.path.join(folder, "input.npy"), x)
    np.save(os.path.join(folder, "upstream.npy"), upstream)
    np.save(os.path.join(folder, "grad32.npy"), np.concatenate(grads["grad32"]))
    np.save(os.path.join(folder, "grad64.npy"), np.concatenate(grads["grad64"]))  # last: marks the folder complete
    print(f"{name}: spread of {count} inputs", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated architecture names")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--spread", type=int, default=0, help="also N single inputs per ReLU network")
    args = parser.parse_args()
    torch.set_num_threads(2)
    names = args.only.split(",") if args.only else list(ARCHITECTURES)
    for name in names:
        make(name, args.batch)
        if args.spread:
            make_spread(name, args.spread)


if __name__ == "__main__":
    main()
