#!/usr/bin/python3
"""Write the example's partly labelled manifest for "MARGIN: Suggest Samples to Label".

    /usr/bin/python3 scripts/make-example-manifests.py

examples/fashion-mnist/to-label.csv lists the 1,000 images of
examples/fashion-mnist/images/ (path relative to the manifest, label column):
5 images per class keep their true label (from flipped.csv, so none of them is
one of the flipped labels), the other 950 have an empty label cell: they are the
unlabelled pool the acquire task ranks. Standard library only; seeded, so a
rerun writes the same file.
"""

import csv
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "fashion-mnist")
LABELLED_PER_CLASS = 5
SEED = 20261201


def main():
    with open(os.path.join(EXAMPLE, "flipped.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda row: row["id"])
    by_class = {}
    for row in rows:
        by_class.setdefault(row["true_label"], []).append(row)
    rng = random.Random(SEED)
    labelled = set()
    for label in sorted(by_class):
        for row in rng.sample(by_class[label], LABELLED_PER_CLASS):
            labelled.add(row["id"])
    out = os.path.join(EXAMPLE, "to-label.csv")
    with open(out, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["path", "label"])
        for row in rows:
            writer.writerow([f"images/{row['id']}", row["true_label"] if row["id"] in labelled else ""])
    print(f"wrote {os.path.relpath(out, ROOT)}: {len(rows)} images, {len(labelled)} labelled")


if __name__ == "__main__":
    main()
