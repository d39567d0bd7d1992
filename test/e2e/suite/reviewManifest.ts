/**
 * Builds the manifest the inline-review test scans: a CSV of a subset of the
 * workspace's images (the first `perClass` of each class folder), with some
 * labels deliberately changed, a quoted label on every third row and a note
 * column with commas, so the relabel edit has to respect CSV quoting.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ManifestRow {
  /** The path cell as written (relative to the manifest's folder): the sample's id in the result. */
  path: string;
  label: string;
  /** The label was changed from the image's class folder on purpose. */
  changed: boolean;
  quoted: boolean;
  note: string;
}

export const MANIFEST_HEADER = 'path,label,note';

export function rowText(row: ManifestRow): string {
  const label = row.quoted ? `"${row.label}"` : row.label;
  return `${row.path},${label},"${row.note}"`;
}

export function manifestText(rows: readonly ManifestRow[]): string {
  return `${[MANIFEST_HEADER, ...rows.map(rowText)].join('\n')}\n`;
}

/** Writes `<folder>/labels.csv` over `<workspace>/images`; the rows in file order (row i is on line i + 2). */
export function writeReviewManifest(
  workspace: string,
  folder: string,
  perClass: number,
  changedPerClass: number,
): { file: string; rows: ManifestRow[] } {
  const images = join(workspace, 'images');
  const classes = readdirSync(images).sort();
  const rows: ManifestRow[] = [];
  classes.forEach((name, classIndex) => {
    const files = readdirSync(join(images, name)).sort().slice(0, perClass);
    files.forEach((file, i) => {
      const changed = i < changedPerClass;
      const n = rows.length;
      rows.push({
        path: `../images/${name}/${file}`,
        // The next class (alphabetically): a wrong label that the image contradicts.
        label: changed ? classes[(classIndex + 1) % classes.length] : name,
        changed,
        quoted: n % 3 === 0,
        note: `row ${n + 1}, class ${name}`,
      });
    });
  });
  mkdirSync(join(workspace, folder), { recursive: true });
  const file = join(workspace, folder, 'labels.csv');
  writeFileSync(file, manifestText(rows));
  return { file, rows };
}
