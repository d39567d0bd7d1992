#!/usr/bin/python3
"""Reference gradients from PyTorch autograd for testing the ONNX backward-graph builder.

Run from the repository root with the Debian Python (it has torch and onnx):

    /usr/bin/python3 scripts/make-autodiff-fixtures.py
        rewrites test/fixtures/autodiff/ (the committed fixtures, ~0.3 MB)

    /usr/bin/python3 scripts/make-autodiff-fixtures.py --resnet18 /tmp/r18.onnx
        writes ONLY a randomly initialised ResNet-18 (input `input` [N,3,224,224],
        output `logits` [N,1000], ~47 MB, for the benchmark; never committed) and its
        sidecar /tmp/r18.margin.json; the committed fixtures are left alone.

What it writes (documented file by file in test/fixtures/autodiff/README.md):
  * a zoo of small seeded PyTorch classifiers, exported with the TorchScript exporter
    (opset 17, eval mode, TrainingMode.PRESERVE, no constant folding, dynamic batch),
    that together cover the ops a CNN gradient builder must know; per model the ONNX
    file, an input batch, upstream vectors, the logits and d(Σ upstream·logits)/d input
    computed by autograd on a float64 copy of the model;
  * the same references for the trained Fashion-MNIST CNN test/fixtures/fmnist/model.onnx,
    whose PyTorch module is rebuilt from the ONNX initializers;
  * hidden-layer references (the VJP from an intermediate activation to the input);
  * two models a gradient builder must reject (an unknown op, two inputs);
  * zoo.json, the index the TypeScript tests iterate over.

Zoo inputs are redrawn (seeded) until no ReLU/LeakyReLU/Clip input lies within
KINK_MARGIN of a kink and no max-pool window has a positive maximum that is tied or
has a runner-up within KINK_MARGIN, so a float32 ONNX forward takes the same branches
as the float64 reference. The Fashion-MNIST images cannot be redrawn: their flat
backgrounds tie thousands of max-pool windows exactly, and there the reference
follows torch (and onnxruntime's MaxPool Indices): the first maximal element in
row-major window order gets the gradient. Everything is seeded and torch runs on 2 threads, so a rerun
reproduces the same files. The folder is built next to its final place and
swapped in at the end, so a reader never sees a half-written fixture set.
"""

import argparse
import copy
import io
import json
import os
import shutil
import sys
import time
import warnings
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper, numpy_helper
from random_batchnorm import randomize_batchnorm  # noqa: E402 (scripts/, next to this file)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
OUT = os.path.join(FIXTURES, "autodiff")
FMNIST_MODEL = os.path.join(FIXTURES, "fmnist", "model.onnx")
FMNIST_REFERENCE = os.path.join(FIXTURES, "fmnist", "reference")

SEED = 20240611
BATCH = 4
CLASSES = 10
OPSET = 17
KINK_MARGIN = 1e-5
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

# The op types the zoo must cover between its models (checked after export).
REQUIRED_OPS = sorted([
    "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu",
    "Clip", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "MaxPool", "AveragePool",
    "GlobalAveragePool", "BatchNormalization", "Flatten", "Reshape", "Shape", "Gather",
    "Unsqueeze", "Concat", "Transpose", "Pad", "Identity", "Dropout", "Constant",
    "LayerNormalization", "Erf", "Slice", "Expand",
])


def rng_for(part):
    """One independent seeded generator per fixture, so editing one part never reshuffles another."""
    return np.random.default_rng([SEED, zlib.crc32(part.encode())])


def torch_seed_for(part):
    return (SEED + zlib.crc32(part.encode())) % (2 ** 31)


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------- the zoo



class Mlp(nn.Module):
    """Rows of a 1×12×12 image through a shared 12→16 MatMul, then an MLP ending in LogSoftmax."""

    input_shape = (1, 12, 12)

    def __init__(self):
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(12, 16) / 12 ** 0.5)
        self.b1 = nn.Parameter(torch.randn(16) * 0.1)
        self.act1 = nn.LeakyReLU(0.1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(12 * 16, 32)
        self.drop = nn.Dropout(0.25)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, CLASSES)

    def forward(self, x):
        t = torch.reshape(x, (-1, 12, 12))        # Reshape (constant shape)
        t = self.act1(t @ self.w1 + self.b1)      # MatMul 3-D @ 2-D, Add broadcast, LeakyRelu
        t = self.flatten(t.permute(0, 2, 1))      # Transpose, Flatten
        t = self.fc1(t)                           # Gemm
        t = t * torch.sigmoid(t)                  # Sigmoid, Mul of two input-dependent tensors
        t = torch.tanh(self.fc2(self.drop(t)))    # (Dropout: see add_identity_and_dropout), Gemm, Tanh
        return F.log_softmax(self.fc3(t), dim=1)  # Gemm, LogSoftmax as the output


class CnnPool(nn.Module):
    """Convs with padding/dilation/non-square kernels and every pooling flavour."""

    input_shape = (1, 16, 16)

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)                           # 8×8×8, overlapping
        self.conv2 = nn.Conv2d(8, 12, 3, padding=2, dilation=2)                     # 12×8×8
        self.relu6 = nn.ReLU6()
        self.pool2 = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True)   # 12×4×4
        self.conv3 = nn.Conv2d(12, 16, (3, 2), padding=1)                           # 16×4×5
        self.hardtanh = nn.Hardtanh(-1.5, 1.5)
        self.pool3 = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)  # 16×4×5
        self.pool4 = nn.MaxPool2d(2)                                                # 16×2×2, drops column 4
        self.fc = nn.Linear(16 * 2 * 2, CLASSES)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu6(self.conv2(x)))
        x = self.pool4(self.pool3(self.hardtanh(self.conv3(x))))
        return self.fc(x.view(x.size(0), -1))  # Shape/Gather/Unsqueeze/Concat → Reshape


class GroupsTranspose(nn.Module):
    """Strided, depthwise and grouped convs, a stride-2 ConvTranspose, Concat with the input, Pad."""

    input_shape = (3, 12, 12)

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 12, 3, stride=2, padding=1)                     # 12×6×6
        self.relu1 = nn.ReLU()
        self.depthwise = nn.Conv2d(12, 12, 3, padding=1, groups=12)
        self.bn = nn.BatchNorm2d(12)
        self.leaky = nn.LeakyReLU(0.2)
        self.grouped = nn.Conv2d(12, 8, 1, groups=4)
        self.up = nn.ConvTranspose2d(8, 6, 3, stride=2, padding=1, output_padding=1)  # 6×12×12
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(9, 12, 3, stride=2, groups=3)                      # 12×6×6
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(12, CLASSES)

    def forward(self, x):
        h = self.relu1(self.conv1(x))
        h = self.leaky(self.bn(self.depthwise(h)))
        h = torch.tanh(self.grouped(h))
        h = self.relu2(self.up(h))
        h = torch.cat([h, x], dim=1)              # Concat: the input reaches the head by two paths
        h = F.pad(h, (0, 1, 1, 0))                # Pad: right 1, top 1 (asymmetric) → 9×13×13
        h = self.gap(self.conv2(h))
        return self.fc(torch.flatten(h, 1))


class BasicBlock(nn.Module):
    """torchvision's ResNet BasicBlock: conv3×3-BN-ReLU-conv3×3-BN, + identity or 1×1 downsample, ReLU."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResnetTiny(nn.Module):
    input_shape = (3, 12, 12)

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = BasicBlock(8, 8)
        self.layer2 = BasicBlock(8, 16, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, CLASSES)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class ElementwiseMix(nn.Module):
    """Smooth elementwise algebra between input-dependent tensors, softmax channel gating."""

    input_shape = (3, 8, 8)

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.temperature = nn.Parameter(torch.rand(8, 1, 1) * 2 + 1)
        self.shift = nn.Parameter(torch.randn(8, 1, 1) * 0.3)
        self.scale = nn.Parameter(torch.rand(8, 1, 1) + 0.5)
        self.conv2 = nn.Conv2d(8, 8, 3, stride=2, padding=1)   # 8×4×4
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(8 * 4 * 4, CLASSES)

    def forward(self, x):
        a = self.conv1(x)
        s = a * torch.sigmoid(a)                    # Mul of two input-dependent tensors
        r = a / (1 + a * a)                         # Add with a Constant, Div of two input-dependent tensors
        h = s - r                                   # Sub of two input-dependent tensors
        g = F.adaptive_avg_pool2d(h, 1)             # GlobalAveragePool, [N,8,1,1]
        g = torch.softmax(g * self.temperature, 1)  # Softmax over channels, mid-network
        h = h * g * 8.0                             # broadcast Mul [N,8,8,8]·[N,8,1,1]
        h = h / (1.0 + g) - g                       # broadcast Div and Sub by input-dependent [N,8,1,1]
        h = (h - self.shift) / self.scale           # broadcast Sub/Div by parameters [8,1,1]
        h = torch.tanh(self.conv2(h))
        return self.fc(self.flatten(h))


# ---------------------------------------------------------------- transformers (torchvision's own classes)

def _torchvision_models():
    """torchvision's model modules; the transformer fixtures are built from its classes, so the
    exported graphs are exactly what convnext_tiny / vit_b_16 / swin_t export, only smaller
    (Debian: apt-get install python3-torchvision, 0.14 for torch 1.13)."""
    try:
        from torchvision.models import convnext, swin_transformer, vision_transformer
    except ImportError:
        sys.exit("the transformer fixtures need torchvision (apt-get install python3-torchvision)")
    return convnext, swin_transformer, vision_transformer


def randomize_transformer(model, rng):
    """Weights of unit gain instead of torchvision's truncated normal(0.02), zero head and layer scale
    1e-6, which would make every residual branch nearly invisible in the gradient."""
    normal = lambda std, shape: torch.from_numpy(rng.normal(0.0, std, tuple(shape)))
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, tuple(m.weight.shape))))
                m.bias.copy_(normal(0.2, m.bias.shape))
            elif isinstance(m, (nn.Linear, nn.Conv2d)):
                m.weight.copy_(normal(1.0 / np.sqrt(np.prod(m.weight.shape[1:])), m.weight.shape))
                if m.bias is not None:
                    m.bias.copy_(normal(0.1, m.bias.shape))
            elif isinstance(m, nn.MultiheadAttention):
                m.in_proj_weight.copy_(normal(1.0 / np.sqrt(m.embed_dim), m.in_proj_weight.shape))
                m.in_proj_bias.copy_(normal(0.1, m.in_proj_bias.shape))
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "layer_scale":
                p.copy_(torch.from_numpy(rng.uniform(0.3, 0.7, tuple(p.shape))))
            elif leaf in ("class_token", "pos_embedding", "relative_position_bias_table"):
                p.copy_(normal(0.3, p.shape))
    return model


class ConvnextTiny(nn.Module):
    """torchvision's ConvNeXt, two stages (8 and 16 channels, 2 + 1 blocks): Conv 4×4/4 stem, LayerNorm2d
    (Transpose–LayerNormalization–Transpose), depthwise 7×7 Conv, Linear (MatMul + Add on 4-D), GELU (Erf),
    layer scale (Mul), residual Add, downsampling LayerNorm2d + Conv 2×2/2, GAP, LayerNorm2d, Flatten, Linear."""

    input_shape = (3, 16, 16)

    def __init__(self):
        super().__init__()
        convnext, _, _ = _torchvision_models()
        setting = [convnext.CNBlockConfig(8, 16, 2), convnext.CNBlockConfig(16, None, 1)]
        self.net = convnext.ConvNeXt(setting, stochastic_depth_prob=0.0, layer_scale=0.5, num_classes=CLASSES)

    def forward(self, x):
        return self.net(x)


class VitTiny(nn.Module):
    """torchvision's VisionTransformer: 16×16 image, 4×4 patches (Conv), class token (Expand, Concat), position
    embedding, 2 encoder layers of hidden size 16 with 2 heads (LayerNormalization, nn.MultiheadAttention:
    MatMul/Add/Reshape/Transpose/Div/Softmax/MatMul, MLP with GELU), final LayerNorm, the class-token pick
    `x[:, 0]` (Gather), Linear head."""

    input_shape = (3, 16, 16)

    def __init__(self):
        super().__init__()
        _, _, vision_transformer = _torchvision_models()
        self.net = vision_transformer.VisionTransformer(
            image_size=16, patch_size=4, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32, num_classes=CLASSES)

    def forward(self, x):
        return self.net(x)


class SwinTiny(nn.Module):
    """torchvision's SwinTransformer (v1): 20×20 image, 2×2 patches (10×10 tokens, 8 channels), window 4,
    stages of depth 2 and 2 with 2 heads. Windows pad 10 → 12 (Pad), shifted windows roll by 2 (Slice +
    Concat) with the attention mask (ScatterND/Where off the gradient path), relative position bias (Gather
    of a constant table), patch merging by strided slices x[..., 0::2, 1::2, :] (Slice with steps 2),
    LayerNormalization, GELU (Erf), Softmax, batched MatMul."""

    input_shape = (3, 20, 20)

    def __init__(self):
        super().__init__()
        _, swin_transformer, _ = _torchvision_models()
        self.net = swin_transformer.SwinTransformer(
            patch_size=[2, 2], embed_dim=8, depths=[2, 2], num_heads=[2, 2], window_size=[4, 4],
            stochastic_depth_prob=0.0, num_classes=CLASSES)

    def forward(self, x):
        return self.net(x)


TRANSFORMERS = {"convnext-tiny", "vit-tiny", "swin-tiny"}


# name → (class, hidden activation module path or None)
ZOO = [
    ("mlp", Mlp, None),
    ("cnn-pool", CnnPool, "relu1"),
    ("groups-transpose", GroupsTranspose, None),
    ("resnet-tiny", ResnetTiny, "layer1"),
    ("elementwise-mix", ElementwiseMix, None),
    ("convnext-tiny", ConvnextTiny, None),
    ("vit-tiny", VitTiny, None),
    ("swin-tiny", SwinTiny, None),
]


def build_zoo_model(name, cls):
    torch.manual_seed(torch_seed_for(name))
    model = cls()
    randomize_batchnorm(model, rng_for(name + "/batchnorm"))
    if name in TRANSFORMERS:
        randomize_transformer(model, rng_for(name + "/weights"))
    return model.eval()


# ---------------------------------------------------------------- ONNX export

def export_bytes(model, dummy, input_names=("input",), output_names=("logits",)):
    """The repository's export settings; returns the serialized model."""
    f = io.BytesIO()
    dynamic = {n: {0: "batch"} for n in (*input_names, *output_names)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, dummy, f,
            training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
            opset_version=OPSET, input_names=list(input_names), output_names=list(output_names),
            dynamic_axes=dynamic,
        )
    return f.getvalue()


def check(proto):
    onnx.checker.check_model(proto, full_check=True)
    return proto


def op_types(proto):
    return sorted({n.op_type for n in proto.graph.node})


def add_identity_and_dropout(proto):
    """PyTorch's exporter drops eval-mode nn.Dropout and never emits Identity on a data path,
    so insert what other exporters write: an Identity before fc1 and an inference-mode
    Dropout (ratio 0.25, no training_mode input) where nn.Dropout sits, before fc2.
    Both are identities, so the graph still computes exactly what the torch module does."""
    graph = proto.graph
    nodes = list(graph.node)
    names = [n.name for n in nodes]
    fc1, fc2 = names.index("/fc1/Gemm"), names.index("/fc2/Gemm")
    identity = helper.make_node("Identity", [nodes[fc1].input[0]], ["/flatten/Identity_output_0"],
                                name="/flatten/Identity")
    nodes[fc1].input[0] = identity.output[0]
    ratio = helper.make_node("Constant", [], ["/drop/Constant_output_0"], name="/drop/Constant",
                             value=numpy_helper.from_array(np.array(0.25, dtype=np.float32)))
    dropout = helper.make_node("Dropout", [nodes[fc2].input[0], ratio.output[0]], ["/drop/Dropout_output_0"],
                               name="/drop/Dropout")
    nodes[fc2].input[0] = dropout.output[0]
    new_nodes = nodes[:fc1] + [identity] + nodes[fc1:fc2] + [ratio, dropout] + nodes[fc2:]
    del graph.node[:]
    graph.node.extend(new_nodes)
    return proto


def hidden_tensor_name(model, dummy, module_path, proto):
    """The ONNX name of `module_path`'s output: export once more with that activation as a
    second graph output (a forward hook on the top-level module, so every node keeps its
    scope name), read the producing node's name there, and look that node up in `proto`."""
    captured = []
    module = model.get_submodule(module_path)
    h1 = module.register_forward_hook(lambda _m, _i, out: captured.append(out))
    h2 = model.register_forward_hook(lambda _m, _i, out: (out, captured[-1]))
    try:
        twin = onnx.load_from_string(export_bytes(model, dummy, output_names=("logits", "hidden")))
    finally:
        h1.remove()
        h2.remove()
    producer = next(n for n in twin.graph.node if "hidden" in n.output)
    match = [n for n in proto.graph.node if n.name == producer.name]
    assert len(match) == 1 and match[0].op_type == producer.op_type, producer.name
    return match[0].output[list(producer.output).index("hidden")], producer.op_type


# ---------------------------------------------------------------- references

def kink_margins(model64, x64):
    """Smallest distance of any kinked op's input to its kink, per module (float64 forward), and
    the number of max-pool windows whose positive maximum is attained more than once (exact ties,
    where the gradient goes to the first maximal element in row-major order, as in torch and
    onnxruntime's MaxPool Indices output)."""
    margins, hooks = {}, []
    ties = 0

    def hook(name):
        def fn(m, inputs):
            nonlocal ties
            v = inputs[0].detach().clone()
            if isinstance(m, nn.Hardtanh):  # also ReLU6
                d = torch.minimum((v - m.min_val).abs(), (v - m.max_val).abs())
            elif isinstance(m, (nn.ReLU, nn.LeakyReLU)):
                d = v.abs()
            else:  # MaxPool2d: gap between a window's maximum and its runner-up
                k, s, p = m.kernel_size, m.stride, m.padding
                padded = F.pad(v, (p, p, p, p), value=float("-inf"))
                win = F.unfold(padded, k, dilation=m.dilation, stride=s)
                win = win.view(v.shape[0], v.shape[1], k * k, -1)
                top = win.topk(2, dim=2).values
                gap = top[:, :, 0] - top[:, :, 1]
                ties += int(((gap == 0) & (top[:, :, 0] > 0)).sum())
                # Exact ties are all 0 after a ReLU or all at a Clip bound: their gradient is zero either way.
                d = gap[gap > 0] if (gap > 0).any() else torch.tensor([float("inf")], dtype=v.dtype)
            margins[name] = min(margins.get(name, float("inf")), float(d.min()))
        return fn

    for name, m in model64.named_modules():
        if isinstance(m, (nn.ReLU, nn.LeakyReLU, nn.Hardtanh, nn.MaxPool2d)):
            # a pre-hook: ReLU(inplace=True) overwrites its input before a forward hook runs
            hooks.append(m.register_forward_pre_hook(hook(name)))
    try:
        with torch.no_grad():
            model64(x64)
    finally:
        for h in hooks:
            h.remove()
    return margins, ties


def vjp64(model64, x, upstream, module_path=None):
    """d(Σ upstream · y)/dx in float64, y = the logits or `module_path`'s output."""
    x64 = torch.from_numpy(x.astype(np.float64)).requires_grad_(True)
    captured = []
    hook = None
    if module_path is not None:
        hook = model64.get_submodule(module_path).register_forward_hook(lambda _m, _i, out: captured.append(out))
    try:
        logits = model64(x64)
    finally:
        if hook is not None:
            hook.remove()
    y = logits if module_path is None else captured[0]
    (y * torch.from_numpy(upstream.astype(np.float64))).sum().backward()
    return x64.grad.numpy().astype(np.float32), y.detach().numpy()


def references(model, x, rng, hidden_module):
    """Every array of one model's fixture folder."""
    model64 = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        logits32 = model(torch.from_numpy(x)).numpy()
    upstream = rng.standard_normal(logits32.shape).astype(np.float32)
    grad, logits64 = vjp64(model64, x, upstream)
    target = logits64.argmax(1)
    assert (target == logits32.argmax(1)).all(), "float32/float64 argmax disagree"
    top2 = np.sort(logits64, axis=1)[:, -2:]
    assert (top2[:, 1] - top2[:, 0]).min() > 1e-3, "near-tie for the predicted class"
    one_hot = np.eye(logits32.shape[1], dtype=np.float32)[target]
    grad_target, _ = vjp64(model64, x, one_hot)

    # float32 autograd, only to report how far a float32 gradient sits from the reference
    x32 = torch.from_numpy(x).requires_grad_(True)
    (model(x32) * torch.from_numpy(upstream)).sum().backward()
    f32_err = float(np.abs(x32.grad.numpy() - grad).max() / np.abs(grad).max())

    arrays = {
        "input.npy": x,
        "upstream.npy": upstream,
        "logits.npy": logits32.astype(np.float32),
        "grad.npy": grad,
        "target.npy": target.astype(np.int64),
        "grad-target.npy": grad_target,
    }
    info = {"top2_gap": float((top2[:, 1] - top2[:, 0]).min()), "f32_rel_err": f32_err,
            "logits64_vs_32": float(np.abs(logits64 - logits32).max())}
    if hidden_module is not None:
        with torch.no_grad():
            captured = []
            h = model64.get_submodule(hidden_module).register_forward_hook(lambda _m, _i, out: captured.append(out))
            model64(torch.from_numpy(x.astype(np.float64)))
            h.remove()
        hidden_upstream = rng.standard_normal(captured[0].shape).astype(np.float32)
        hidden_grad, _ = vjp64(model64, x, hidden_upstream, hidden_module)
        with torch.no_grad():
            captured = []
            h = model.get_submodule(hidden_module).register_forward_hook(lambda _m, _i, out: captured.append(out.clone()))
            model(torch.from_numpy(x))
            h.remove()
        arrays.update({
            "hidden-upstream.npy": hidden_upstream,
            "hidden-grad.npy": hidden_grad,
            "hidden-value.npy": captured[0].numpy().astype(np.float32),
        })
    return arrays, info


def draw_input(model, shape, rng):
    """A standard-normal batch, redrawn until every kink margin exceeds KINK_MARGIN."""
    model64 = copy.deepcopy(model).double().eval()
    for attempt in range(50):
        x = rng.standard_normal((BATCH, *shape)).astype(np.float32)
        margins, ties = kink_margins(model64, torch.from_numpy(x.astype(np.float64)))
        if ties == 0 and (not margins or min(margins.values()) > KINK_MARGIN):
            return x, attempt, margins
    sys.exit("no input draw kept clear of the kinks")


# ---------------------------------------------------------------- writing

def save_npy(path, array):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        np.save(f, np.ascontiguousarray(array))
    os.replace(tmp, path)


def save_bytes(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def write_folder(folder, arrays, hidden_name=None):
    os.makedirs(folder, exist_ok=True)
    for file, array in arrays.items():
        save_npy(os.path.join(folder, file), array)
    if hidden_name is not None:
        save_bytes(os.path.join(folder, "hidden-name.txt"), (hidden_name + "\n").encode())


def zoo_entry(name, model_path, proto, input_shape, hidden_name, hidden_shape, ties=0):
    return {
        "name": name,
        "dir": rel(os.path.join(OUT, name)),
        "model": rel(model_path),
        "input": proto.graph.input[0].name,
        "output": proto.graph.output[0].name,
        "inputShape": list(input_shape),
        "classes": CLASSES,
        "ops": op_types(proto),
        "hidden": None if hidden_name is None else {"name": hidden_name, "shape": list(hidden_shape)},
        "maxPoolTies": ties,
    }


def make_zoo(staging):
    entries, all_ops = [], set()
    for name, cls, hidden_module in ZOO:
        model = build_zoo_model(name, cls)
        dummy = torch.zeros(2, *cls.input_shape)
        proto = onnx.load_from_string(export_bytes(model, dummy))
        if name == "mlp":
            proto = add_identity_and_dropout(proto)
        check(proto)
        hidden_name = hidden_op = None
        if hidden_module is not None:
            hidden_name, hidden_op = hidden_tensor_name(model, dummy, hidden_module, proto)
        x, attempts, margins = draw_input(model, cls.input_shape, rng_for(name + "/input"))
        arrays, info = references(model, x, rng_for(name + "/upstream"), hidden_module)

        folder = os.path.join(staging, name)
        os.makedirs(folder)
        save_bytes(os.path.join(folder, "model.onnx"), proto.SerializeToString())
        write_folder(folder, arrays, hidden_name)
        hidden_shape = arrays["hidden-value.npy"].shape[1:] if hidden_module else None
        entries.append(zoo_entry(name, os.path.join(OUT, name, "model.onnx"), proto, cls.input_shape,
                                 hidden_name, hidden_shape))
        all_ops |= set(op_types(proto))
        bn = sum(n.op_type == "BatchNormalization" for n in proto.graph.node)
        print(f"{name}: {len(proto.graph.node)} nodes, {bn} BatchNormalization, input redraws {attempts}, "
              f"min kink margin {min(margins.values()) if margins else float('nan'):.2e}, "
              f"min top-2 logit gap {info['top2_gap']:.3f}, float32-autograd rel err {info['f32_rel_err']:.1e}"
              + (f", hidden {hidden_name} ({hidden_op} of {hidden_module})" if hidden_name else ""))
        print(f"  ops: {' '.join(op_types(proto))}", flush=True)
    return entries, all_ops


# ---------------------------------------------------------------- the Fashion-MNIST fixture CNN

def fixture_cnn_class():
    """The architecture of test/fixtures/fmnist/model.onnx, from the script that trained it."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-fixtures.py")
    spec = importlib.util.spec_from_file_location("make_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SmallCnn


def make_fmnist(staging):
    proto = onnx.load(FMNIST_MODEL)
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in proto.graph.initializer}
    for node in proto.graph.node:
        if node.op_type == "BatchNormalization":
            eps = next((a.f for a in node.attribute if a.name == "epsilon"), 1e-5)
            assert abs(eps - 1e-5) < 1e-9, f"{node.name}: epsilon {eps}"
    model = fixture_cnn_class()()
    missing, unexpected = model.load_state_dict(weights, strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    model.eval()

    inputs16 = np.load(os.path.join(FMNIST_REFERENCE, "inputs16.npy"))
    logits16 = np.load(os.path.join(FMNIST_REFERENCE, "logits16.npy"))
    with torch.no_grad():
        rebuilt = model(torch.from_numpy(inputs16)).numpy()
    diff = float(np.abs(rebuilt - logits16).max())
    print(f"fmnist-cnn: rebuilt from {rel(FMNIST_MODEL)}; max |logits - logits16| = {diff:.2e}")
    assert diff <= 1e-4, diff

    hidden_module = "features.3"  # the first MaxPool, [N,16,14,14]
    hidden_name, hidden_op = hidden_tensor_name(model, torch.zeros(2, 1, 28, 28), hidden_module,
                                                onnx.load_from_string(export_bytes(model, torch.zeros(2, 1, 28, 28))))
    # The committed model was exported by make-fixtures.py (opset 13, input `pixels`); the node
    # names come from the same module scopes, so look the tensor up in that file to be sure.
    assert any(hidden_name in n.output and n.op_type == hidden_op for n in proto.graph.node), hidden_name

    x = inputs16[:8].copy()
    margins, ties = kink_margins(copy.deepcopy(model).double(), torch.from_numpy(x.astype(np.float64)))
    arrays, info = references(model, x, rng_for("fmnist-cnn/upstream"), hidden_module)
    folder = os.path.join(staging, "fmnist-cnn")
    write_folder(folder, arrays, hidden_name)
    print(f"  min kink margin {min(margins.values()):.2e} (real images, not redrawn), "
          f"{ties} max-pool windows with a tied positive maximum (flat background), "
          f"min top-2 logit gap {info['top2_gap']:.3f}, float32-autograd rel err {info['f32_rel_err']:.1e}, "
          f"hidden {hidden_name}")
    print(f"  ops: {' '.join(op_types(proto))}", flush=True)
    return zoo_entry("fmnist-cnn", FMNIST_MODEL, proto, (1, 28, 28), hidden_name,
                     arrays["hidden-value.npy"].shape[1:], ties)


# ---------------------------------------------------------------- bad inputs

class CumsumNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 8 * 8, CLASSES)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv(x)), 2).flatten(1)
        return self.fc(torch.cumsum(h, dim=1))  # CumSum on the input → logits path


class TwoInputNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.side = nn.Linear(4, 4 * 8 * 8)
        self.fc = nn.Linear(4 * 8 * 8, CLASSES)

    def forward(self, x, extra):
        h = F.max_pool2d(F.relu(self.conv(x)), 2).flatten(1)
        return self.fc(h + self.side(extra))


def make_bad(staging):
    folder = os.path.join(staging, "bad")
    os.makedirs(folder)
    torch.manual_seed(torch_seed_for("bad/unsupported-op"))
    proto = check(onnx.load_from_string(export_bytes(CumsumNet().eval(), torch.zeros(2, 1, 16, 16))))
    cumsum = [n.name for n in proto.graph.node if n.op_type == "CumSum"]
    assert cumsum == ["/CumSum"], cumsum
    save_bytes(os.path.join(folder, "unsupported-op.onnx"), proto.SerializeToString())
    print(f"bad/unsupported-op.onnx: CumSum at node {cumsum[0]}; ops: {' '.join(op_types(proto))}")

    torch.manual_seed(torch_seed_for("bad/two-inputs"))
    proto = check(onnx.load_from_string(export_bytes(
        TwoInputNet().eval(), (torch.zeros(2, 1, 16, 16), torch.zeros(2, 4)), input_names=("input", "extra"))))
    save_bytes(os.path.join(folder, "two-inputs.onnx"), proto.SerializeToString())
    print(f"bad/two-inputs.onnx: inputs {[i.name for i in proto.graph.input]}; ops: {' '.join(op_types(proto))}")


# ---------------------------------------------------------------- ResNet-18 for the benchmark

class ResNet18(nn.Module):
    """torchvision's resnet18 layout (same parameter names), written inline."""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = nn.Sequential(BasicBlock(64, 64), BasicBlock(64, 64))
        self.layer2 = nn.Sequential(BasicBlock(64, 128, 2), BasicBlock(128, 128))
        self.layer3 = nn.Sequential(BasicBlock(128, 256, 2), BasicBlock(256, 256))
        self.layer4 = nn.Sequential(BasicBlock(256, 512, 2), BasicBlock(512, 512))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def make_resnet18(out_path):
    started = time.time()
    if not out_path.endswith(".onnx"):
        sys.exit("--resnet18 needs a path ending in .onnx")
    torch.manual_seed(torch_seed_for("resnet18"))
    model = ResNet18()
    randomize_batchnorm(model, rng_for("resnet18/batchnorm"))
    model.eval()
    proto = check(onnx.load_from_string(export_bytes(model, torch.zeros(1, 3, 224, 224))))
    sidecar = {
        "input": {"name": "input", "layout": "NCHW", "channels": 3, "height": 224, "width": 224,
                  "scale": 1.0 / 255.0, "mean": IMAGENET_MEAN, "std": IMAGENET_STD},
        "labels": [f"class-{i}" for i in range(1000)],
        "logits": "logits",
        "embedding": None,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    # Sidecar first, then the atomic rename of the model, as make-fixtures.py does.
    write_json(out_path[: -len(".onnx")] + ".margin.json", sidecar)
    save_bytes(out_path, proto.SerializeToString())
    with torch.no_grad():
        logits = model(torch.from_numpy(rng_for("resnet18/input").standard_normal((2, 3, 224, 224)).astype(np.float32)))
    params = sum(p.numel() for p in model.parameters())
    print(f"wrote {out_path} ({os.path.getsize(out_path) / 1e6:.1f} MB, {params / 1e6:.2f} M parameters, "
          f"{len(proto.graph.node)} nodes) and its sidecar in {time.time() - started:.1f}s; "
          f"logits std on normal noise {float(logits.std()):.3f}")
    print(f"  ops: {' '.join(op_types(proto))}")


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resnet18", metavar="OUT_PATH",
                        help="write only a random ResNet-18 (.onnx) and its .margin.json sidecar there")
    args = parser.parse_args()

    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    np.random.seed(SEED)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}")
    started = time.time()
    if args.resnet18:
        make_resnet18(args.resnet18)
        return

    staging = OUT + ".staging"
    if os.path.isdir(staging):
        shutil.rmtree(staging)
    os.makedirs(staging)
    entries, all_ops = make_zoo(staging)
    entries.append(make_fmnist(staging))
    make_bad(staging)
    write_json(os.path.join(staging, "zoo.json"), entries)

    missing = sorted(set(REQUIRED_OPS) - all_ops)
    extra = sorted(all_ops - set(REQUIRED_OPS))
    print(f"zoo op union ({len(all_ops)}): {' '.join(sorted(all_ops))}")
    print(f"  required ops missing: {missing or 'none'}; beyond the list: {extra or 'none'}")
    assert not missing, missing

    # The folder's README is hand-written; keep it across the swap.
    readme = os.path.join(OUT, "README.md")
    if os.path.exists(readme):
        shutil.copy2(readme, os.path.join(staging, "README.md"))
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.replace(staging, OUT)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"wrote {rel(OUT)}/ ({total / 1e3:.0f} kB) in {time.time() - started:.1f}s")


if __name__ == "__main__":
    main()
