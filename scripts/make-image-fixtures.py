#!/usr/bin/python3
"""Build test/fixtures/mixed-images/: real photos in every size and mode, a small
RGB model exported by PyTorch, and torchvision's preprocessing of every image.

Run from the repository root with the Debian Python:

    apt-get install -y python3-torch python3-torchvision python3-onnx python3-skimage
    /usr/bin/python3 scripts/make-image-fixtures.py

Inputs (offline): three photographs shipped by Debian's python3-skimage
(skimage/data: astronaut.png, chelsea.png (a cat), coffee.png).

Outputs, under test/fixtures/mixed-images/:
  images/<label>/<file>  32 images: crops of the photo of their label, saved in
                         every mode a real folder mixes (see VARIANTS), plus one
                         1280×960 JPEG above the exact-resize limit.
  model.onnx (+ .margin.json)  a small CNN, input `pixels` [N, 3, 32, 32], output
                         `logits` [N, 3], trained for a few seconds on random crops
                         of the same photos. Its accuracy does not matter: the
                         tests check that every image reaches it, not what it says.
  reference/ids.json     the image ids (label/file) in the order of the arrays below.
  reference/<name>.npy   uint8 N×32×32×C: each image as torchvision preprocesses it
                         (conversion documented below, then the transforms named):
      pil-shorter-side   Resize(32) + CenterCrop(32) on the PIL image (RGB)
      pil-stretch        Resize((32, 32)) on the PIL image (RGB)
      pil-grey-shorter-side  convert('L') first, then Resize(32) + CenterCrop(32) (C = 1)
      tensor-antialias   Resize(32, antialias=True) + CenterCrop(32) on the uint8 tensor
      tensor-no-antialias  Resize(32, antialias=False) + CenterCrop(32) on the uint8 tensor
  reference/logits.npy   float32 N×3: the PyTorch model's logits on pil-shorter-side,
                         scaled by 1/255 and normalised by the sidecar's mean and std.
  reference/summary.json  the differences between those variants, as measured here.

The conversion before the transforms is MARGIN Lens's, written with Pillow:
alpha is composited over white (paste with the alpha as mask), CMYK goes through
Pillow's convert('RGB'), 16-bit samples keep their high byte (v >> 8), grey is
replicated to RGB by convert('RGB').

Everything is seeded and torch runs on 2 threads, so a rerun reproduces the files.
"""

import json
import os
import struct
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from torchvision import transforms as T

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "mixed-images")
IMAGES = os.path.join(OUT, "images")
REFERENCE = os.path.join(OUT, "reference")
SKIMAGE_DATA = "/usr/lib/python3/dist-packages/skimage/data"
SOURCES = {"astronaut": "astronaut.png", "cat": "chelsea.png", "coffee": "coffee.png"}
LABELS = sorted(SOURCES)
SIDE = 32
SEED = 20251201
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]

# (file name, width, height, how it is saved): one of each per label.
VARIANTS = [
    ("rgb-32x32.png", 32, 32, "rgb"),          # already the model's size: untouched
    ("rgb-97x64.png", 97, 64, "rgb"),          # landscape, shrunk
    ("rgb-48x80.jpg", 48, 80, "rgb"),          # portrait JPEG, shrunk
    ("grey-40x40.png", 40, 40, "grey"),
    ("grey-28x28.jpg", 28, 28, "grey"),        # smaller than the model: enlarged
    ("rgba-50x60.png", 50, 60, "rgba"),        # soft elliptical alpha
    ("grey-alpha-36x36.png", 36, 36, "grey-alpha"),
    ("cmyk-64x48.jpg", 64, 48, "cmyk"),
    ("rgb16-45x45.png", 45, 45, "rgb16"),
    ("grey16-30x20.png", 30, 20, "grey16"),
]
LARGE = ("cat", "large-1280x960.jpg", 1280, 960)


def rng_for(part):
    return np.random.default_rng([SEED, zlib.crc32(part.encode())])


def source_photo(label):
    return Image.open(os.path.join(SKIMAGE_DATA, SOURCES[label])).convert("RGB")


def crop_of(photo, rng, width, height):
    """A random window of the photo with the variant's aspect ratio, resized to the variant's size (float)."""
    W, H = photo.size
    scale = rng.uniform(0.45, 0.9)
    cw = int(min(W, H * width / height) * scale)
    ch = int(cw * height / width)
    left = int(rng.integers(0, W - cw + 1))
    top = int(rng.integers(0, H - ch + 1))
    window = np.asarray(photo.crop((left, top, left + cw, top + ch)), dtype=np.float32)
    # Per channel in float ('F' mode), so 16-bit variants keep real low-order bits.
    channels = [Image.fromarray(window[..., c]).resize((width, height), Image.Resampling.BICUBIC) for c in range(3)]
    return np.clip(np.stack([np.asarray(c) for c in channels], axis=-1), 0, 255)


def soft_ellipse(width, height):
    y, x = np.mgrid[0:height, 0:width]
    r = np.sqrt(((x + 0.5) / width - 0.5) ** 2 / 0.16 + ((y + 0.5) / height - 0.5) ** 2 / 0.16)
    return np.clip((1.2 - r) * 400, 0, 255).round().astype(np.uint8)


def write_png16(path, samples):
    """Pillow cannot write 16-bit RGB PNGs: a minimal writer (colour type 2, filter 0)."""
    height, width, channels = samples.shape
    colour_type = {1: 0, 3: 2}[channels]
    rows = b"".join(b"\x00" + samples[y].astype(">u2").tobytes() for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def save_variant(path, pixels, mode):
    rgb8 = pixels.round().astype(np.uint8)
    if mode == "rgb":
        Image.fromarray(rgb8).save(path, **({"quality": 90} if path.endswith(".jpg") else {}))
    elif mode == "grey":
        Image.fromarray(rgb8).convert("L").save(path, **({"quality": 90} if path.endswith(".jpg") else {}))
    elif mode == "rgba":
        Image.fromarray(np.dstack([rgb8, soft_ellipse(*rgb8.shape[1::-1])]), "RGBA").save(path)
    elif mode == "grey-alpha":
        grey = np.asarray(Image.fromarray(rgb8).convert("L"))
        Image.fromarray(np.dstack([grey, soft_ellipse(*grey.shape[::-1])]), "LA").save(path)
    elif mode == "cmyk":
        Image.fromarray(rgb8).convert("CMYK").save(path, quality=90)
    elif mode == "rgb16":
        samples = np.round(pixels * 257).astype(np.uint16)
        write_png16(path, samples)
        # Pillow reads 16-bit RGB as 8-bit RGB keeping the high byte, which as_rgb relies on.
        assert (np.asarray(Image.open(path).convert("RGB")) == (samples >> 8)).all()
    elif mode == "grey16":
        grey = pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        write_png16(path, np.round(grey * 257).astype(np.uint16)[..., None])
    else:
        raise ValueError(mode)


def make_images():
    ids = []
    for label in LABELS:
        os.makedirs(os.path.join(IMAGES, label), exist_ok=True)
        photo = source_photo(label)
        for name, width, height, mode in VARIANTS:
            pixels = crop_of(photo, rng_for(f"{label}/{name}"), width, height)
            save_variant(os.path.join(IMAGES, label, name), pixels, mode)
            ids.append(f"{label}/{name}")
    label, name, width, height = LARGE
    pixels = crop_of(source_photo(label), rng_for(f"{label}/{name}"), width, height)
    Image.fromarray(pixels.round().astype(np.uint8)).save(os.path.join(IMAGES, label, name), quality=75)
    ids.append(f"{label}/{name}")
    return sorted(ids, key=lambda i: i.encode())


# ------------------------------------------------------------- the conversion

def as_rgb(path):
    """MARGIN Lens's conversion, with Pillow: the image every reference starts from."""
    im = Image.open(path)
    if im.mode in ("I", "I;16", "I;16B"):
        values = np.asarray(im).astype(np.int64)
        assert values.max() <= 65535
        return Image.fromarray((values >> 8).astype(np.uint8), "L").convert("RGB")
    if im.mode in ("RGBA", "LA"):
        rgba = im.convert("RGBA")
        canvas = Image.new("RGB", im.size, (255, 255, 255))
        canvas.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
        return canvas
    return im.convert("RGB")


def shorter_side(im):
    return T.CenterCrop(SIDE)(T.Resize(SIDE)(im))


def make_references(ids):
    os.makedirs(REFERENCE, exist_ok=True)
    arrays = {name: [] for name in ["pil-shorter-side", "pil-stretch", "pil-grey-shorter-side",
                                    "tensor-antialias", "tensor-no-antialias"]}
    for image_id in ids:
        rgb = as_rgb(os.path.join(IMAGES, image_id))
        arrays["pil-shorter-side"].append(np.asarray(shorter_side(rgb)))
        arrays["pil-stretch"].append(np.asarray(T.Resize((SIDE, SIDE))(rgb)))
        arrays["pil-grey-shorter-side"].append(np.asarray(shorter_side(rgb.convert("L")))[..., None])
        tensor = torch.from_numpy(np.asarray(rgb).copy()).permute(2, 0, 1)
        for name, antialias in [("tensor-antialias", True), ("tensor-no-antialias", False)]:
            out = T.CenterCrop(SIDE)(T.Resize(SIDE, antialias=antialias)(tensor))
            arrays[name].append(out.permute(1, 2, 0).numpy())
    for name, values in arrays.items():
        np.save(os.path.join(REFERENCE, f"{name}.npy"), np.stack(values).astype(np.uint8))
    with open(os.path.join(REFERENCE, "ids.json"), "w") as f:
        json.dump(ids, f, indent=1)
        f.write("\n")

    pil = np.stack(arrays["pil-shorter-side"]).astype(int)
    summary = {}
    for name in ["tensor-antialias", "tensor-no-antialias"]:
        diff = np.abs(np.stack(arrays[name]).astype(int) - pil)
        summary[f"pil-shorter-side vs {name}"] = {"max": int(diff.max()), "mean": round(float(diff.mean()), 4)}
    with open(os.path.join(REFERENCE, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print(json.dumps(summary))


# ------------------------------------------------------------------- the model

class TinyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = nn.Linear(16 * 8 * 8, 32)
        self.fc2 = nn.Linear(32, len(LABELS))

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def train_model():
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    photos = [source_photo(label) for label in LABELS]
    augment = T.Compose([T.RandomResizedCrop(SIDE, scale=(0.1, 1.0)), T.RandomHorizontalFlip(),
                         T.ToTensor(), T.Normalize(MEAN, STD)])
    model = TinyCnn()
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    for step in range(300):
        targets = torch.randint(0, len(LABELS), (64,))
        batch = torch.stack([augment(photos[t]) for t in targets.tolist()])
        loss = F.cross_entropy(model(batch), targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    print(f"final training loss {loss.item():.3f}")
    return model.eval()


def export_model(model):
    path = os.path.join(OUT, "model.onnx")
    tmp = path + ".tmp"
    torch.onnx.export(model, torch.zeros(2, 3, SIDE, SIDE), tmp, input_names=["pixels"], output_names=["logits"],
                      dynamic_axes={"pixels": {0: "N"}, "logits": {0: "N"}}, opset_version=13)
    onnx.checker.check_model(onnx.load(tmp))
    os.replace(tmp, path)
    sidecar = {"input": {"name": "pixels", "layout": "NCHW", "channels": 3, "height": SIDE, "width": SIDE,
                         "scale": 1 / 255, "mean": MEAN, "std": STD},
               "labels": LABELS, "logits": "logits", "embedding": None}
    with open(os.path.join(OUT, "model.margin.json"), "w") as f:
        json.dump(sidecar, f, indent=1)
        f.write("\n")


def save_logits(model):
    pixels = np.load(os.path.join(REFERENCE, "pil-shorter-side.npy")).astype(np.float32) / 255
    x = (torch.from_numpy(pixels).permute(0, 3, 1, 2) - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]
    with torch.no_grad():
        logits = model(x.float()).numpy().astype(np.float32)
    np.save(os.path.join(REFERENCE, "logits.npy"), logits)


def main():
    ids = make_images()
    make_references(ids)
    model = train_model()
    export_model(model)
    save_logits(model)
    print(f"wrote {len(ids)} images, references and the model under {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
