/**
 * Problems on a manifest's flagged rows (one diagnostic on the row's line,
 * its code the sample id), and a hover on those lines with the evidence:
 * score, given and suggested label, and the neighbours that drove the score.
 */
import * as vscode from 'vscode';
import type { SampleResult } from '../../protocol/engine';
import type { FlagIndex, FlagState } from './flagIndex';
import { sampleNeighbours } from './resultFields';

/** `diagnostic.source` of every MARGIN flag; quick fixes look for it. */
export const DIAGNOSTIC_SOURCE = 'MARGIN';

/** Documents a hover is offered on. */
export const MANIFEST_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{csv,tsv,jsonl,CSV,TSV,JSONL}' },
];

export function registerManifestDiagnostics(flags: FlagIndex): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('margin');
  const show = (state: FlagState | undefined) => {
    collection.clear();
    if (!state?.manifest) return;
    collection.set(vscode.Uri.file(state.manifest), diagnosticsOf(state));
  };
  show(flags.current());
  return vscode.Disposable.from(
    collection,
    flags.onDidChange(show),
    vscode.languages.registerHoverProvider(MANIFEST_SELECTOR, {
      provideHover: (document, position) => hoverAt(flags.current(), document, position),
    }),
  );
}

function diagnosticsOf(state: FlagState): vscode.Diagnostic[] {
  return [...state.byLine].map(([line, flag]) => {
    // The whole row: the line index is enough, the editor clips the end.
    const range = new vscode.Range(line - 1, 0, line - 1, Number.MAX_SAFE_INTEGER);
    const diagnostic = new vscode.Diagnostic(
      range,
      flag.message,
      flag.warning ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
    );
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = flag.sample.id;
    return diagnostic;
  });
}

function hoverAt(
  state: FlagState | undefined,
  document: vscode.TextDocument,
  position: vscode.Position,
): vscode.Hover | undefined {
  if (!state?.manifest || document.uri.fsPath !== state.manifest) return undefined;
  const flag = state.byLine.get(position.line + 1);
  if (!flag) return undefined;
  const { sample } = flag;
  const text = new vscode.MarkdownString(undefined, true);
  text.appendMarkdown('**MARGIN: label issue?**\n\n');
  text.appendMarkdown(
    `Score ${sample.score.toFixed(3)} (rank ${sample.rank} of ${state.entry.result.samples.length})\n\n`,
  );
  text.appendMarkdown(`Given: ${code(sample.label)} · suggested: ${code(sample.suggested)}`);
  if (sample.predicted !== undefined) text.appendMarkdown(` · model predicts: ${code(sample.predicted)}`);
  const neighbours = sampleNeighbours(sample);
  if (neighbours.length > 0) {
    text.appendMarkdown('\n\nNearest neighbours:\n');
    for (const index of neighbours)
      text.appendMarkdown(`\n- ${neighbourText(state.byIndex.get(index), index)}`);
  }
  return new vscode.Hover(text, document.lineAt(position.line).range);
}

function neighbourText(neighbour: SampleResult | undefined, index: number): string {
  if (!neighbour) return `#${index} (unlabelled)`;
  return `${code(neighbour.id)} ${code(neighbour.label)}`;
}

/** A value as inline code: labels and ids come from data files, so they never become markdown. */
function code(value: unknown): string {
  const text = value === undefined ? '—' : String(value).replace(/[\r\n`]/g, ' ');
  return `\`${text}\``;
}
