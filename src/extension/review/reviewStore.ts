/**
 * The review store: what a person decided about each flagged sample (looked
 * and it is fine, or relabelled it), kept in `<cacheRoot>/.margin/review.json`
 * so that a reload, a killed window or a killed engine loses nothing.
 *
 * No runtime import of `vscode`: the store runs (and is unit tested) in plain
 * Node; its `onDidChange` has the shape of a `vscode.Event`.
 *
 * On disk: `{ version, checksum, datasets: { <dataset source>: { <sample id>: decision } } }`.
 * Each write goes to a temporary sibling, is fsynced, and renamed over the file;
 * then the same content is written the same way to `review.json.bak`. A file
 * that fails to parse, to match its checksum or the schema (a torn or hand-
 * mangled write) is set aside as `review.json.corrupt-<time>` and the `.bak`
 * is used instead, with a warning in the log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type * as vscode from 'vscode';

export type ReviewDecision = ({ state: 'ok' } | { state: 'relabelled'; from: string; to: string }) & {
  /** When the decision was made (ISO 8601). */
  at: string;
};

/** A decision as callers give it: `at` defaults to now. */
export type ReviewDecisionInput =
  { state: 'ok'; at?: string } | { state: 'relabelled'; from: string; to: string; at?: string };

/** Where the store logs what it had to recover from. */
export interface ReviewLog {
  warn(message: string): void;
}

const FORMAT_VERSION = 1;

/** `<cacheRoot>/.margin/review.json`. */
export function reviewFile(cacheRoot: string): string {
  return join(cacheRoot, '.margin', 'review.json');
}

type Decisions = Record<string, Record<string, ReviewDecision>>;

interface ReviewFileContent {
  version: number;
  /** sha256 of JSON.stringify(datasets): a torn or edited file does not match. */
  checksum: string;
  datasets: Decisions;
}

export class ReviewStore {
  private readonly datasetsByKey = new Map<string, Map<string, ReviewDecision>>();
  private readonly listeners = new Set<() => unknown>();
  /** Writes run one after the other, each with the state at its start. */
  private writing: Promise<void> = Promise.resolve();

  /** Fires after every change (in memory; the write to disk may still be running). */
  readonly onDidChange: vscode.Event<void> = (listener, thisArgs?: unknown, disposables?) => {
    const bound = () => listener.call(thisArgs);
    this.listeners.add(bound);
    const disposable = { dispose: () => void this.listeners.delete(bound) };
    disposables?.push(disposable);
    return disposable;
  };

  private constructor(
    /** The store's file (`.margin/review.json`). */
    readonly file: string,
    private readonly log?: ReviewLog,
  ) {}

  /** Reads `<cacheRoot>/.margin/review.json` (or its `.bak` when it is damaged); empty when neither exists. */
  static async open(cacheRoot: string, log?: ReviewLog): Promise<ReviewStore> {
    const store = new ReviewStore(reviewFile(cacheRoot), log);
    await store.load();
    return store;
  }

  decision(datasetKey: string, sampleId: string): ReviewDecision | undefined {
    return this.datasetsByKey.get(datasetKey)?.get(sampleId);
  }

  /** Every decision about one dataset, by sample id. */
  decisions(datasetKey: string): ReadonlyMap<string, ReviewDecision> {
    return this.datasetsByKey.get(datasetKey) ?? new Map();
  }

  /** The datasets that have decisions. */
  datasets(): string[] {
    return [...this.datasetsByKey.keys()].filter((key) => this.datasetsByKey.get(key)!.size > 0);
  }

  /** Records a decision; resolves once it is on disk (fsynced). */
  set(datasetKey: string, sampleId: string, decision: ReviewDecisionInput): Promise<void> {
    const stored = { ...decision, at: decision.at ?? new Date().toISOString() } as ReviewDecision;
    let samples = this.datasetsByKey.get(datasetKey);
    if (!samples) this.datasetsByKey.set(datasetKey, (samples = new Map()));
    samples.set(sampleId, stored);
    return this.changed();
  }

  /** Forgets a decision (its action was undone); resolves once that is on disk. */
  delete(datasetKey: string, sampleId: string): Promise<void> {
    if (!this.datasetsByKey.get(datasetKey)?.delete(sampleId)) return this.writing;
    return this.changed();
  }

  dispose(): void {
    this.listeners.clear();
  }

  private changed(): Promise<void> {
    for (const listener of [...this.listeners]) listener();
    const content = this.serialize();
    const write = this.writing.then(async () => {
      await writeDurably(this.file, content);
      await writeDurably(`${this.file}.bak`, content);
    });
    // A failed write must not block the next one; the caller still sees the failure.
    this.writing = write.catch((error: unknown) =>
      this.log?.warn(`could not write ${this.file}: ${(error as Error).message}`),
    );
    return write;
  }

  private serialize(): string {
    const datasets: Decisions = {};
    for (const [key, samples] of this.datasetsByKey) {
      if (samples.size > 0) datasets[key] = Object.fromEntries(samples);
    }
    const content: ReviewFileContent = { version: FORMAT_VERSION, checksum: checksumOf(datasets), datasets };
    return `${JSON.stringify(content, null, 1)}\n`;
  }

  private async load(): Promise<void> {
    const main = await readReviewFile(this.file);
    if (main.kind === 'ok') return this.adopt(main.datasets);
    if (main.kind === 'absent') {
      // A crash between the two renames leaves only the .bak, which is then the newest good state.
      const backup = await readReviewFile(`${this.file}.bak`);
      if (backup.kind === 'ok') this.adopt(backup.datasets);
      return;
    }
    const backup = await readReviewFile(`${this.file}.bak`);
    const setAside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(this.file, setAside).catch(() => undefined);
    this.log?.warn(
      `${this.file} is damaged (${main.problem}); it was set aside as ${setAside} and ` +
        (backup.kind === 'ok'
          ? `the last good state (${backup.count} decisions) was read from the .bak`
          : 'no good copy was found: the review starts empty'),
    );
    if (backup.kind === 'ok') {
      this.adopt(backup.datasets);
      // Put the good state back in place so the next start reads it directly.
      await writeDurably(this.file, this.serialize());
    }
  }

  private adopt(datasets: Decisions): void {
    for (const [key, samples] of Object.entries(datasets)) {
      this.datasetsByKey.set(key, new Map(Object.entries(samples)));
    }
  }
}

type ReadOutcome =
  | { kind: 'ok'; datasets: Decisions; count: number }
  | { kind: 'absent' }
  | { kind: 'damaged'; problem: string };

async function readReviewFile(file: string): Promise<ReadOutcome> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'damaged', problem: (error as Error).message };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { kind: 'damaged', problem: `not valid JSON: ${(error as Error).message}` };
  }
  const problem = contentProblem(parsed);
  if (problem) return { kind: 'damaged', problem };
  const { datasets } = parsed as ReviewFileContent;
  const count = Object.values(datasets).reduce((sum, samples) => sum + Object.keys(samples).length, 0);
  return { kind: 'ok', datasets, count };
}

function contentProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  if (value.version !== FORMAT_VERSION) return `unknown version ${JSON.stringify(value.version)}`;
  if (!isRecord(value.datasets)) return 'no "datasets" object';
  if (value.checksum !== checksumOf(value.datasets)) return 'its checksum does not match its content';
  for (const [key, samples] of Object.entries(value.datasets)) {
    if (!isRecord(samples)) return `dataset ${key} is not an object`;
    for (const [id, decision] of Object.entries(samples)) {
      if (!isDecision(decision)) return `the decision on ${key} ${id} is malformed`;
    }
  }
  return undefined;
}

function isDecision(value: unknown): value is ReviewDecision {
  if (!isRecord(value) || typeof value.at !== 'string') return false;
  if (value.state === 'ok') return true;
  return value.state === 'relabelled' && typeof value.from === 'string' && typeof value.to === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checksumOf(datasets: unknown): string {
  return createHash('sha256').update(JSON.stringify(datasets)).digest('hex');
}

/**
 * Temporary sibling, fsync, rename over the target, fsync the folder: after
 * this resolves the new content survives a crash, and a reader never sees half
 * of it. (engine/atomicWrite.ts renames but does not fsync: a cache can be
 * rebuilt, a person's decisions cannot.)
 */
async function writeDurably(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}

async function syncFolder(folder: string): Promise<void> {
  // Makes the rename itself durable; some platforms (Windows) cannot open a folder: best effort there.
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* not supported on this platform */
  }
}
