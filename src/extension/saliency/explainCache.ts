/**
 * Explanations already computed, in the extension's memory, so asking again
 * for the same map (switching back to a method, a target, a compare column)
 * costs no engine call. A map is the same when the model file and the input
 * file are unchanged (path, size and modification time) and the method, its
 * settings and the target are the same. Bounded both in entries and in the
 * map values held, least recently used first out. No `vscode` import.
 */
import { settingsFor, type SaliencyRequest } from '../../protocol/saliencyPanel';

/** What identifies a file's content cheaply: a rewrite changes the mtime (and usually the size). */
export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface ExplainKeyInput {
  model: FileStamp;
  input: FileStamp;
  request: SaliencyRequest;
}

/**
 * One string per distinct map. Settings the method does not read are left
 * out, and keys are written in a fixed order, so equal requests give equal
 * keys; an absent target (the predicted class) is its own key, and the host
 * also stores the result under the target it resolved to.
 */
export function explainKey({ model, input, request }: ExplainKeyInput): string {
  const settings = settingsFor(request.method, request.options);
  const sorted = Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([
    [model.path, model.size, model.mtimeMs],
    [input.path, input.size, input.mtimeMs],
    request.method,
    request.target ?? 'predicted',
    sorted,
  ]);
}

export interface ExplainCacheLimits {
  /** Most maps kept. */
  maxEntries: number;
  /** Most numbers kept over all maps (a 224×224×3 map holds 150,528). */
  maxValues: number;
}

export const DEFAULT_CACHE_LIMITS: ExplainCacheLimits = { maxEntries: 64, maxValues: 4_000_000 };

/** A least-recently-used map from key to value, with a size per value. */
export class ExplainCache<Value> {
  private readonly entries = new Map<string, { value: Value; size: number }>();
  private heldValues = 0;

  constructor(
    private readonly sizeOf: (value: Value) => number,
    private readonly limits: ExplainCacheLimits = DEFAULT_CACHE_LIMITS,
  ) {}

  /** The value, now the most recently used; undefined when absent. */
  get(key: string): Value | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` (replacing the key's old one) and drops the least recently used until within limits. A value larger than all the room is not kept. */
  set(key: string, value: Value): void {
    this.delete(key);
    const size = this.sizeOf(value);
    if (size > this.limits.maxValues) return;
    this.entries.set(key, { value, size });
    this.heldValues += size;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries && this.heldValues <= this.limits.maxValues) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldValues -= entry.size;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The numbers held over all values. */
  get values(): number {
    return this.heldValues;
  }

  /** Keys, least recently used first (tests read the order). */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
