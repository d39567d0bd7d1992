/**
 * Finds dataset and model candidates in the open workspace with
 * `workspace.findFiles` (ripgrep-backed) and the cheap checks of fileSniff.ts.
 */
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import {
  fileCandidates,
  imageFolderCandidates,
  rankDatasetCandidates,
  rankModelCandidates,
  type DatasetCandidate,
  type SniffedFile,
} from './datasetCandidates';
import { looksLikeIdxImages, looksLikeNpy, looksLikeTable } from './fileSniff';

const EXCLUDE = '{**/node_modules/**,**/.margin/**,**/.git/**,**/dist/**}';
/** Enough images to see every label folder of a typical dataset, without listing a million files. */
const IMAGE_LISTING_LIMIT = 20_000;
/** Files of one kind worth sniffing; more is a workspace full of data, and the user can pick by path. */
const FILE_LISTING_LIMIT = 200;

export async function findDatasetCandidates(token?: vscode.CancellationToken): Promise<DatasetCandidate[]> {
  const [images, tables, idx, npy] = await Promise.all([
    vscode.workspace.findFiles('**/*.{png,PNG,jpg,JPG,jpeg,JPEG}', EXCLUDE, IMAGE_LISTING_LIMIT, token),
    vscode.workspace.findFiles('**/*.{csv,tsv,jsonl}', EXCLUDE, FILE_LISTING_LIMIT, token),
    vscode.workspace.findFiles(
      '**/*{-images-idx3-ubyte,-images-idx3-ubyte.gz,-images*.idx,-images*.idx.gz}',
      EXCLUDE,
      FILE_LISTING_LIMIT,
      token,
    ),
    vscode.workspace.findFiles('**/*.npy', EXCLUDE, FILE_LISTING_LIMIT, token),
  ]);
  const [tableFiles, idxFiles, npyFiles] = await Promise.all([
    sniffed(tables, looksLikeTable),
    sniffed(idx, looksLikeIdxImages),
    sniffed(npy, looksLikeNpy),
  ]);
  return rankDatasetCandidates([
    ...imageFolderCandidates(
      images.map((uri) => uri.fsPath),
      images.length >= IMAGE_LISTING_LIMIT,
    ),
    ...fileCandidates('idx', idxFiles),
    ...fileCandidates('manifest', tableFiles),
    ...fileCandidates('npy', npyFiles),
  ]);
}

export async function findModelCandidates(token?: vscode.CancellationToken): Promise<string[]> {
  const models = await vscode.workspace.findFiles('**/*.onnx', EXCLUDE, FILE_LISTING_LIMIT, token);
  const nonEmpty = await sniffed(models, async () => true);
  return rankModelCandidates(nonEmpty.map((file) => file.path));
}

async function sniffed(
  uris: readonly vscode.Uri[],
  check: (path: string) => Promise<boolean>,
): Promise<SniffedFile[]> {
  const results = await Promise.all(
    uris.map(async (uri) => {
      const path = uri.fsPath;
      try {
        const { size, isFile } = await stat(path).then((s) => ({ size: s.size, isFile: s.isFile() }));
        return isFile && size > 0 && (await check(path)) ? { path, size } : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return results.filter((file): file is SniffedFile => file !== undefined);
}
