#!/usr/bin/python3
"""Build every test fixture and the Fashion-MNIST example from real data.

Run from the repository root with the Debian Python (it has torch, onnx, sklearn):

    /usr/bin/python3 scripts/make-fixtures.py

Inputs (all offline):
  * Fashion-MNIST gz files in /usr/share/datasets/fashion-mnist/
  * Debian package indices in /var/lib/apt/lists/: the `*_Packages.lz4` file gives
    each package's Section, the `*_i18n_Translation-en.lz4` file its long
    description. If the translation file is missing, run
    `apt-get update -o Acquire::Languages=en` first.

Everything is seeded and torch runs on 2 threads, so a rerun on the same
machine reproduces the same files. The model is written first (atomically,
sidecar before model) because other work waits for it.
"""

import csv
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
import zlib

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures")
FMNIST = os.path.join(FIXTURES, "fmnist")
EXAMPLE = os.path.join(ROOT, "examples", "fashion-mnist")
DATASET_DIR = "/usr/share/datasets/fashion-mnist"
APT_LISTS = "/var/lib/apt/lists"
SCRIPT = "scripts/make-fixtures.py"

SEED = 20240611
LABELS = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]
MEAN, STD, SCALE = 0.2860, 0.3530, 1.0 / 255.0
EPOCHS, BATCH, LR = 3, 128, 1e-3
# t10k indices 0..299 feed the reference/IDX/NPY fixtures; the noisy sets and the
# bad-input images are drawn from the rest so no image appears in two roles.
RESERVED_T10K = 300
NOISE_RATE = 0.05
TEXT_SECTIONS = ["python", "libs", "games", "science"]
TEXT_PER_SECTION = 150
TEXT_MIN_WORDS = 20


def rng_for(part):
    """One independent seeded generator per fixture, so editing one part never reshuffles another."""
    return np.random.default_rng([SEED, zlib.crc32(part.encode())])


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------- Fashion-MNIST

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def preprocess(pixels_uint8):
    """The sidecar's formula x = (pixel * scale - mean) / std, in float32 like the runtime."""
    x = pixels_uint8.astype(np.float32) * np.float32(SCALE)
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return x[:, None, :, :].astype(np.float32)


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Dropout(0.25),
        )
        self.classifier = nn.Linear(64, 10)

    def forward(self, x):
        return self.classifier(self.features(x))


def train_model(train_x, train_y):
    torch.manual_seed(SEED)
    model = SmallCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    x_all = torch.from_numpy(preprocess(train_x))
    y_all = torch.from_numpy(train_y.astype(np.int64))
    shuffler = torch.Generator().manual_seed(SEED)
    model.train()
    for epoch in range(EPOCHS):
        order = torch.randperm(len(x_all), generator=shuffler)
        total_loss = 0.0
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_all[batch]), y_all[batch])
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(batch)
        print(f"  epoch {epoch + 1}/{EPOCHS}: mean train loss {total_loss / len(order):.4f}", flush=True)
    model.eval()
    return model


@torch.no_grad()
def logits_and_embeddings(model, inputs):
    """Eval-mode logits plus the input of the final Linear (the 64-d penultimate features)."""
    captured = []
    hook = model.classifier.register_forward_hook(lambda _m, args, _out: captured.append(args[0]))
    try:
        logits = [model(torch.from_numpy(inputs[i:i + 1000])) for i in range(0, len(inputs), 1000)]
    finally:
        hook.remove()
    return torch.cat(logits).numpy(), torch.cat(captured).numpy()


def export_onnx(model, path, channels, height, width):
    """Export, check, then rename into place so a poller never sees a half-written file."""
    tmp = path + ".tmp"
    dummy = torch.zeros(2, channels, height, width)
    torch.onnx.export(
        model, dummy, tmp,
        input_names=["pixels"], output_names=["logits"],
        dynamic_axes={"pixels": {0: "N"}, "logits": {0: "N"}},
        opset_version=13, do_constant_folding=False,
        training=torch.onnx.TrainingMode.PRESERVE,
    )
    onnx.checker.check_model(onnx.load(tmp))
    os.replace(tmp, path)


def sidecar():
    return {
        "input": {"name": "pixels", "layout": "NCHW", "channels": 1, "height": 28, "width": 28,
                  "scale": SCALE, "mean": [MEAN], "std": [STD]},
        "labels": LABELS,
        "logits": "logits",
        "embedding": None,
    }


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def write_png(path, image28):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(np.ascontiguousarray(image28, dtype=np.uint8), mode="L").save(path, format="PNG")


def write_idx(path, array, gz):
    magic = {3: 0x00000803, 1: 0x00000801}[array.ndim]
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    payload = header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    if gz:
        # mtime=0 and no file name in the header keep the .gz byte-identical across runs.
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
            f.write(payload)
    else:
        with open(path, "wb") as f:
            f.write(payload)


def write_csv(path, header, rows, delimiter=","):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def pick_noisy_sets(test_y, rng):
    """Two disjoint draws of 100 images per true class from t10k indices >= RESERVED_T10K."""
    first, second, leftover = [], [], []
    for label in range(10):
        pool = np.flatnonzero(test_y == label)
        pool = pool[pool >= RESERVED_T10K]
        chosen = rng.permutation(pool)
        first.extend(chosen[:100])
        second.extend(chosen[100:200])
        leftover.append(np.sort(chosen[200:]))
    return np.sort(first), np.sort(second), leftover


def flip_labels(true_labels, rng, n_classes):
    """Symmetric noise: exactly NOISE_RATE of the samples get a label drawn uniformly from the other classes."""
    given = true_labels.copy()
    flipped = np.zeros(len(given), dtype=bool)
    chosen = rng.choice(len(given), size=int(round(NOISE_RATE * len(given))), replace=False)
    for i in chosen:
        given[i] = (given[i] + rng.integers(1, n_classes)) % n_classes
        flipped[i] = True
    return given, flipped


def write_image_folder(root, test_x, test_y, indices, rng, truth_csv):
    """Image folder whose folder name is the GIVEN label; file names never reveal a flip."""
    if os.path.isdir(root):
        shutil.rmtree(root)
    given, flipped = flip_labels(test_y[indices], rng, 10)
    rows = []
    for index, given_label, was_flipped in zip(indices, given, flipped):
        sample_id = f"{LABELS[given_label]}/t10k-{index}.png"
        write_png(os.path.join(root, sample_id), test_x[index])
        rows.append((sample_id, LABELS[given_label], LABELS[test_y[index]], int(was_flipped)))
    rows.sort()
    write_csv(truth_csv, ["id", "given_label", "true_label", "flipped"], rows)
    return rows


def write_manifests(noisy_rows, rng):
    picked = sorted(rng.choice(len(noisy_rows), size=100, replace=False),
                    key=lambda i: int(noisy_rows[i][0].split("t10k-")[1][:-4]))
    entries = [(f"noisy/{noisy_rows[i][0]}", noisy_rows[i][1]) for i in picked]
    write_csv(os.path.join(FMNIST, "manifest.csv"), ["path", "label"], entries)
    write_csv(os.path.join(FMNIST, "manifest.tsv"), ["file", "class"], entries, delimiter="\t")
    write_csv(os.path.join(FMNIST, "manifest-no-label.csv"), ["path"], [(p,) for p, _ in entries])
    with open(os.path.join(FMNIST, "manifest.jsonl"), "w") as f:
        for path, label in entries:
            f.write(json.dumps({"path": path, "label": label}) + "\n")
    return sum(1 for i in picked if noisy_rows[i][3])


class MismatchCnn(nn.Module):
    """A 3x32x32 classifier: shape-incompatible with the 1x28x28 fixture images on purpose."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4 * 16 * 16, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.max_pool2d(F.relu(self.conv(x)), 2), 1))


def write_bad_inputs(model_path, test_x, leftover_by_class, rng):
    bad = os.path.join(FIXTURES, "bad")
    if os.path.isdir(bad):
        shutil.rmtree(bad)
    os.makedirs(bad)
    with open(model_path, "rb") as f:
        head = f.read(3000)
    with open(os.path.join(bad, "corrupt.onnx"), "wb") as f:
        f.write(head)
    with open(os.path.join(bad, "not-a-model.onnx"), "w") as f:
        f.write("This is a plain text file with an .onnx extension, not an ONNX protobuf.\n")

    valid = []
    for name in ["Bag", "Coat", "Sneaker"]:
        label = LABELS.index(name)
        for index in leftover_by_class[label][:10]:
            rel_path = f"broken-images/{name}/t10k-{index}.png"
            write_png(os.path.join(bad, rel_path), test_x[index])
            valid.append((rel_path, name))
    # PNG signature then random bytes: passes a magic-number sniff, fails in the decoder.
    with open(os.path.join(bad, "broken-images", "Bag", "broken.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + rng.integers(0, 256, size=504, dtype=np.uint8).tobytes())

    write_csv(os.path.join(bad, "manifest-missing-label.csv"), ["path", "comment"],
              [(p, f"a {n.lower()} image") for p, n in valid[::6]])
    write_csv(os.path.join(bad, "manifest-missing-file.csv"), ["path", "label"],
              [*valid[::6][:3], ("broken-images/Coat/does-not-exist.png", "Coat"), *valid[::6][3:]])

    torch.manual_seed(SEED + 1)
    export_onnx(MismatchCnn().eval(), os.path.join(bad, "mismatch-3x32x32.onnx"), 3, 32, 32)


# ---------------------------------------------------------------- Debian text corpus

def read_apt_stanzas(pattern):
    files = sorted(glob.glob(os.path.join(APT_LISTS, pattern)))
    if not files:
        sys.exit(f"no {pattern} in {APT_LISTS}: run `apt-get update -o Acquire::Languages=en` first")
    text = subprocess.run(["lz4cat", files[0]], check=True, capture_output=True).stdout.decode("utf-8")
    for block in text.split("\n\n"):
        fields, key = {}, None
        for line in block.split("\n"):
            if line.startswith((" ", "\t")) and key:
                fields[key] += "\n" + line
            elif ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
        if fields:
            yield fields


def long_description(description_en):
    """The extended description: every continuation line joined by one space; ' .' paragraph marks dropped."""
    lines = description_en.split("\n")[1:]
    return " ".join(line.strip() for line in lines if line.strip() not in ("", "."))


def load_debian_corpus():
    # Only the main bookworm index: the security/updates indices repeat the same descriptions.
    sections = {}
    for fields in read_apt_stanzas("deb.debian.org_debian_dists_bookworm_main_binary-*_Packages.lz4"):
        if "Description-md5" in fields:
            sections.setdefault(fields["Description-md5"], (fields["Package"], fields.get("Section", "")))
    by_section, seen_texts = {}, set()
    for fields in read_apt_stanzas("deb.debian.org_debian_dists_bookworm_main_i18n_Translation-en.lz4"):
        md5 = fields.get("Description-md5")
        if md5 not in sections or "Description-en" not in fields:
            continue
        package, section = sections[md5]
        text = long_description(fields["Description-en"])
        # Many packages share one templated description; keep each text once.
        if len(text.split()) < TEXT_MIN_WORDS or text in seen_texts:
            continue
        seen_texts.add(text)
        by_section.setdefault(section, []).append((package, text))
    return by_section


def count_vectorizer_reference(texts):
    full = CountVectorizer(lowercase=True).fit(texts)
    full_counts = np.asarray(full.transform(texts).sum(axis=0)).ravel()
    ranked = sorted(zip(full.get_feature_names_out(), full_counts), key=lambda wc: (-wc[1], wc[0]))
    return ranked


def build_text_fixtures():
    by_section = load_debian_corpus()
    eligible = {s: len(v) for s, v in sorted(by_section.items(), key=lambda kv: -len(kv[1]))[:12]}
    print(f"  eligible descriptions per section (top 12): {eligible}")
    for section in TEXT_SECTIONS:
        if len(by_section.get(section, [])) < TEXT_PER_SECTION:
            sys.exit(f"section {section} has only {len(by_section.get(section, []))} eligible packages")

    # A tie between the 500th and 501st word would make the max_features=500 vocabulary
    # ambiguous (sklearn breaks it arbitrarily), so take the first draw without one.
    for attempt in range(100):
        rng = np.random.default_rng([SEED, 9, attempt])
        rows = []
        for section in TEXT_SECTIONS:
            pool = sorted(by_section[section])
            for i in sorted(rng.choice(len(pool), size=TEXT_PER_SECTION, replace=False)):
                rows.append((pool[i][1], section, pool[i][0]))
        rows = [rows[i] for i in rng.permutation(len(rows))]
        ranked = count_vectorizer_reference([r[0] for r in rows])
        if ranked[499][1] != ranked[500][1]:
            break
    else:
        sys.exit("every draw had a tie at the 500-word cutoff")

    text_dir = os.path.join(FIXTURES, "text")
    texts = [r[0] for r in rows]
    labels = np.array([TEXT_SECTIONS.index(r[1]) for r in rows])
    write_csv(os.path.join(text_dir, "debian-packages.csv"), ["text", "label"], [(t, s) for t, s, _ in rows])
    given, flipped = flip_labels(labels, rng_for("text-noise"), len(TEXT_SECTIONS))
    write_csv(os.path.join(text_dir, "debian-packages-noisy.csv"), ["text", "label"],
              [(t, TEXT_SECTIONS[g]) for t, g in zip(texts, given)])
    write_csv(os.path.join(text_dir, "debian-packages-noisy-truth.csv"),
              ["index", "given_label", "true_label", "flipped"],
              [(i, TEXT_SECTIONS[g], TEXT_SECTIONS[t], int(f)) for i, (g, t, f) in enumerate(zip(given, labels, flipped))])

    vectorizer = CountVectorizer(max_features=500, lowercase=True)
    counts = vectorizer.fit_transform(texts)
    vocab_counts = np.asarray(counts.sum(axis=0)).ravel()
    vocabulary = sorted(zip(vectorizer.get_feature_names_out(), vocab_counts.tolist()), key=lambda wc: (-wc[1], wc[0]))
    assert [w for w, _ in vocabulary] == [w for w, _ in ranked[:500]]
    features = normalize(counts.toarray().astype(np.float64))  # L2 per row
    pca = PCA(n_components=100, svd_solver="full").fit(features)
    write_json(os.path.join(text_dir, "reference.json"), {
        "source": "Debian bookworm main: Section from Packages, long description from Translation-en",
        "made_by": SCRIPT,
        "rows": len(rows),
        "sections": TEXT_SECTIONS,
        "packages": [r[2] for r in rows],
        "non_ascii_rows": sum(1 for t in texts if not t.isascii()),
        "count_vectorizer": {"max_features": 500, "lowercase": True, "token_pattern": r"(?u)\b\w\w+\b"},
        "full_vocabulary_size": len(ranked),
        "count_500th": int(ranked[499][1]),
        "count_501st": int(ranked[500][1]),
        "vocabulary": [[w, int(c)] for w, c in vocabulary],
        "pca": {
            "preprocessing": "rows of the 500-column count matrix L2-normalized (sklearn.preprocessing.normalize)",
            "n_components": 100,
            "svd_solver": "full",
            "explained_variance": pca.explained_variance_[:20].tolist(),
            "explained_variance_ratio_first20": pca.explained_variance_ratio_[:20].tolist(),
            "explained_variance_ratio_sum": float(pca.explained_variance_ratio_.sum()),
        },
    })
    return len(rows), attempt, int(flipped.sum())


# ---------------------------------------------------------------- READMEs

FIXTURES_README = """# Test fixtures

Every file here was made by `{script}` (run `/usr/bin/python3 {script}` from the
repository root) from real data: Fashion-MNIST (/usr/share/datasets/fashion-mnist)
and the Debian bookworm package index. Seed {seed}; torch on 2 threads.
Label names use `_` instead of `/` because they are also folder names.

- `fmnist/model.onnx` — small CNN (2×[Conv-BatchNorm-ReLU-MaxPool] → Linear 1568→64-ReLU-Dropout → Linear 64→10) trained {epochs} epochs (Adam) on the 60k training set; test accuracy {accuracy:.2%}; opset 13, input `pixels` [N,1,28,28], output `logits` [N,10]; BatchNormalization kept as nodes.
- `fmnist/model.margin.json` — its sidecar: scale 1/255, mean 0.2860, std 0.3530, the 10 label names, embedding null.
- `fmnist/reference/pixels16.npy` — t10k images 0..15, uint8 16×28×28.
- `fmnist/reference/inputs16.npy` — the same preprocessed, float32 16×1×28×28.
- `fmnist/reference/logits16.npy` — PyTorch eval-mode logits, float32 16×10.
- `fmnist/reference/embeddings16.npy` — PyTorch input of the final Linear (after ReLU, Dropout off), float32 16×64.
- `fmnist/reference/labels16.npy` — their true labels, int64.
- `fmnist/reference/png/000.png … 015.png` — the same 16 images as 8-bit greyscale PNG.
- `fmnist/noisy/<given label>/t10k-<index>.png` — 1,000 t10k images (100 per true class, indices ≥ 300), {noisy_flips} with the label flipped uniformly to another class; the folder is the given label.
- `fmnist/noisy-truth.csv` — `id,given_label,true_label,flipped` for `fmnist/noisy/` (id relative to that folder).
- `fmnist/manifest.csv` — `path,label`: 100 images of `noisy/` (paths relative to the manifest, given labels; {manifest_flips} of them flipped).
- `fmnist/manifest.tsv` — the same rows, tab-separated, header `file<TAB>class`.
- `fmnist/manifest.jsonl` — the same rows as `{{"path", "label"}}` objects.
- `fmnist/manifest-no-label.csv` — the same paths, header `path` only.
- `fmnist/idx/t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz` — IDX (MNIST format) of t10k 0..299, gzip.
- `fmnist/idx/t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte` — the same, uncompressed.
- `fmnist/npy/images.npy` — t10k 0..199, uint8 200×28×28.
- `fmnist/npy/labels.npy` — their labels, int64 200.
- `fmnist/npy/features.npy` — PyTorch embeddings (64-d, as embeddings16) of those 200, float32 200×64.
- `fmnist/npy/labels.txt` — their label names, one per line (for `--labels`).
- `text/debian-packages.csv` — `text,label`: {text_rows} Debian package long descriptions (≥ {min_words} words, deduplicated), 150 each from sections {sections}.
- `text/debian-packages-noisy.csv` — the same rows with {text_flips} labels flipped uniformly to another section.
- `text/debian-packages-noisy-truth.csv` — `index,given_label,true_label,flipped` (0-based row).
- `text/reference.json` — sklearn reference on the clean CSV: CountVectorizer(max_features=500) vocabulary with counts, the 500th/501st counts, and PCA(100, full) on L2-normalized rows.
- `bad/corrupt.onnx` — the first 3000 bytes of `fmnist/model.onnx` (truncated protobuf).
- `bad/not-a-model.onnx` — a text file.
- `bad/broken-images/{{Bag,Coat,Sneaker}}/t10k-<index>.png` — 10 valid t10k PNGs per class.
- `bad/broken-images/Bag/broken.png` — a PNG signature followed by random bytes (undecodable).
- `bad/manifest-missing-label.csv` — header `path,comment` (no label column), rows pointing at `broken-images` PNGs.
- `bad/manifest-missing-file.csv` — `path,label`; one row names `broken-images/Coat/does-not-exist.png`.
- `bad/mismatch-3x32x32.onnx` — randomly initialised CNN, input `pixels` [N,3,32,32], output `logits` [N,10]: rejects 1×28×28 images.

`examples/fashion-mnist/` (model copy, 1,000 other noisy images, `flipped.csv`) is made by the same script.

The autodiff fixtures (`autodiff/`) are made by `scripts/make-autodiff-fixtures.py` and documented in `autodiff/README.md`.

`acquire/` holds manifests for the acquire task (most labels blank), pointing at `fmnist/noisy/`; made by `acquire/make-manifests.mjs` (see `acquire/README.md`).

`labels/confident-learning.json` holds seeded problems (class probabilities, noisy labels) and what cleanlab's confident learning computes on them (thresholds, confident joint with and without calibration, prune counts, flagged samples, `num_label_issues`); made by `scripts/make-label-references.py`, a NumPy port of cleanlab written by hand (cleanlab is not installed).

`adversarial/` holds clean and attacked images and the references of the adversarial tests; made by `scripts/make-adversarial-fixtures.py --fixtures` (see `adversarial/README.md`).

`knn/` holds the fixture CNN's embeddings of 5,000 t10k images (the approximate kNN tests) and kNN graphs of the 200 `fmnist/npy` samples built by scikit-learn in every form `--knn-graph` reads, with SciPy's MARGIN scores on them; made by `scripts/make-knn-fixtures.py` (see `knn/README.md`).

`mixed-images/` holds crops of real photos in every mode (RGB, grey, RGBA, CMYK JPEG, 16-bit PNG) and sizes, a small RGB model exported by PyTorch, and torchvision's preprocessed pixels and PyTorch's logits as references; made by `scripts/make-image-fixtures.py` (see `mixed-images/README.md`).

`tabular/` holds scikit-learn's breast-cancer and wine tables with 10% of labels flipped, StandardScaler references, and a PyTorch MLP on wine with its torch logits and embeddings; made by `scripts/make-tabular-fixtures.py` (see `tabular/README.md`).

`fixed-batch/` holds the fixture CNN exported without `dynamic_axes` (batch 1 and batch 4) and a 42-image manifest; made by `scripts/make-fixed-batch-fixtures.py` (see `fixed-batch/README.md`).
"""

EXAMPLE_README = """# Fashion-MNIST example

A small real dataset with known label noise, for trying MARGIN Lens.

- `model.onnx` + `model.margin.json` — a small CNN (two Conv-BatchNorm-ReLU-MaxPool
  blocks, Linear 1568→64, Linear 64→10) trained {epochs} epochs with Adam on the
  60,000 Fashion-MNIST training images. Test accuracy on the 10,000 t10k images:
  **{accuracy:.2%}**. Input `pixels` [N,1,28,28], x = (pixel/255 − 0.2860)/0.3530;
  output `logits` [N,10].
- `images/<label>/t10k-<index>.png` — 1,000 t10k test images, 100 per true class.
  {flips} of them (5%) were given a wrong label, drawn uniformly from the other
  nine classes: the folder is the label the image was *given*. The file name is
  the image's index in the t10k set and does not reveal whether it was flipped.
- `flipped.csv` — the answer key: `id,given_label,true_label,flipped`.

Try it: `margin scan --data examples/fashion-mnist/images --model examples/fashion-mnist/model.onnx --task labels`
and see how many of the 50 flipped images rank near the top.

The other tasks run on the same folder: `--task boundary` and `--task prototypes` on `images/`;
`--task acquire` on `to-label.csv` (the same images, 50 labels kept; made by
`scripts/make-example-manifests.py`); `--task adversarial` on `adversarial/inputs.csv` with
`--reference images` (made by `scripts/make-adversarial-fixtures.py`; see `adversarial/README.md`).

Made by `{script}` (seed {seed}); the images are disjoint from the test fixtures.
Label names use `_` instead of `/` (`T-shirt_top`, `Ankle_boot`) because they are folder names.
"""


# ---------------------------------------------------------------- main

def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    np.random.seed(SEED)
    os.chdir(ROOT)
    started = time.time()

    train_x = read_idx(f"{DATASET_DIR}/train-images-idx3-ubyte.gz")
    train_y = read_idx(f"{DATASET_DIR}/train-labels-idx1-ubyte.gz")
    test_x = read_idx(f"{DATASET_DIR}/t10k-images-idx3-ubyte.gz")
    test_y = read_idx(f"{DATASET_DIR}/t10k-labels-idx1-ubyte.gz").astype(np.int64)

    print(f"training {EPOCHS} epochs on {len(train_x)} images", flush=True)
    t0 = time.time()
    model = train_model(train_x, train_y)
    train_seconds = time.time() - t0

    # The model first: sidecars, then the atomic rename of model.onnx.
    os.makedirs(FMNIST, exist_ok=True)
    os.makedirs(EXAMPLE, exist_ok=True)
    for folder in (FMNIST, EXAMPLE):
        write_json(os.path.join(folder, "model.margin.json"), sidecar())
    model_path = os.path.join(FMNIST, "model.onnx")
    export_onnx(model, model_path, 1, 28, 28)
    shutil.copyfile(model_path, os.path.join(EXAMPLE, "model.onnx.tmp"))
    os.replace(os.path.join(EXAMPLE, "model.onnx.tmp"), os.path.join(EXAMPLE, "model.onnx"))
    graph_ops = [n.op_type for n in onnx.load(model_path).graph.node]
    print(f"wrote {rel(model_path)} ({os.path.getsize(model_path)} bytes) after {train_seconds:.1f}s of training; "
          f"ops: {graph_ops}", flush=True)
    assert graph_ops.count("BatchNormalization") == 2, "BatchNorm nodes must survive the export"

    test_inputs = preprocess(test_x)
    test_logits, test_embeddings = logits_and_embeddings(model, test_inputs)
    accuracy = float((test_logits.argmax(1) == test_y).mean())
    print(f"test accuracy {accuracy:.4f}", flush=True)

    reference = os.path.join(FMNIST, "reference")
    if os.path.isdir(reference):
        shutil.rmtree(reference)
    os.makedirs(os.path.join(reference, "png"))
    inputs16 = preprocess(test_x[:16])
    logits16, embeddings16 = logits_and_embeddings(model, inputs16)
    np.save(os.path.join(reference, "pixels16.npy"), test_x[:16].copy())
    np.save(os.path.join(reference, "inputs16.npy"), inputs16)
    np.save(os.path.join(reference, "logits16.npy"), logits16.astype(np.float32))
    np.save(os.path.join(reference, "embeddings16.npy"), embeddings16.astype(np.float32))
    np.save(os.path.join(reference, "labels16.npy"), test_y[:16].copy())
    for i in range(16):
        write_png(os.path.join(reference, "png", f"{i:03d}.png"), test_x[i])

    noisy_indices, example_indices, leftover = pick_noisy_sets(test_y, rng_for("noisy-pick"))
    noisy_rows = write_image_folder(os.path.join(FMNIST, "noisy"), test_x, test_y, noisy_indices,
                                    rng_for("noisy-flip"), os.path.join(FMNIST, "noisy-truth.csv"))
    example_rows = write_image_folder(os.path.join(EXAMPLE, "images"), test_x, test_y, example_indices,
                                      rng_for("example-flip"), os.path.join(EXAMPLE, "flipped.csv"))
    manifest_flips = write_manifests(noisy_rows, rng_for("manifest"))

    idx = os.path.join(FMNIST, "idx")
    os.makedirs(idx, exist_ok=True)
    for gz in (True, False):
        suffix = ".gz" if gz else ""
        write_idx(os.path.join(idx, "t10k-images-idx3-ubyte" + suffix), test_x[:RESERVED_T10K], gz)
        write_idx(os.path.join(idx, "t10k-labels-idx1-ubyte" + suffix), test_y[:RESERVED_T10K].astype(np.uint8), gz)

    npy = os.path.join(FMNIST, "npy")
    os.makedirs(npy, exist_ok=True)
    np.save(os.path.join(npy, "images.npy"), test_x[:200].copy())
    np.save(os.path.join(npy, "labels.npy"), test_y[:200].copy())
    np.save(os.path.join(npy, "features.npy"), logits_and_embeddings(model, test_inputs[:200])[1].astype(np.float32))
    with open(os.path.join(npy, "labels.txt"), "w") as f:
        f.write("".join(LABELS[y] + "\n" for y in test_y[:200]))

    write_bad_inputs(model_path, test_x, leftover, rng_for("bad"))

    print("building the Debian text corpus", flush=True)
    text_rows, text_attempt, text_flips = build_text_fixtures()
    print(f"  {text_rows} rows (draw {text_attempt}), {text_flips} flipped", flush=True)

    values = dict(script=SCRIPT, seed=SEED, epochs=EPOCHS, accuracy=accuracy,
                  noisy_flips=sum(r[3] for r in noisy_rows), manifest_flips=manifest_flips,
                  text_rows=text_rows, text_flips=text_flips, min_words=TEXT_MIN_WORDS,
                  sections=", ".join(TEXT_SECTIONS), flips=sum(r[3] for r in example_rows))
    with open(os.path.join(FIXTURES, "README.md"), "w") as f:
        f.write(FIXTURES_README.format(**values))
    with open(os.path.join(EXAMPLE, "README.md"), "w") as f:
        f.write(EXAMPLE_README.format(**values))
    print(f"done in {time.time() - started:.1f}s (training {train_seconds:.1f}s, test accuracy {accuracy:.4f})")


if __name__ == "__main__":
    main()
