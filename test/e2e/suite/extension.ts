/** What the in-host tests share: the extension under test, its API, and the workspace it opened. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MarginLensApi } from '../../../src/extension/api';

export const EXTENSION_ID = 'margin-lens.margin-lens';

export async function activatedApi(): Promise<{
  extension: vscode.Extension<MarginLensApi>;
  api: MarginLensApi;
}> {
  const extension = vscode.extensions.getExtension<MarginLensApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  const api = await extension.activate();
  return { extension, api };
}

/** The single workspace folder the harness opened (a copy of examples/fashion-mnist). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

/** The bundled example in the extension's own folder, for files the workspace copy leaves out. */
export function exampleFile(extension: vscode.Extension<unknown>, name: string): string {
  return join(extension.extensionPath, 'examples', 'fashion-mnist', name);
}
