/**
 * The engine keeps the last few gradient models open between explain
 * requests. Opening one (forward facts, backward graph, onnxruntime session)
 * costs about 0.1 s for the fixture CNN and 2.5 s for a ResNet-18, while a
 * map then takes milliseconds; a user who explains sample after sample
 * should pay it once. Models are keyed by the file's sha256 (an edited model
 * is a new key) and the options; a model in use is never evicted.
 */
import type { GradientModel } from '../model/autodiff/types';

interface Entry {
  model: Promise<GradientModel>;
  users: number;
  lastUsed: number;
}

export interface Lease {
  model: GradientModel;
  /** Hands the model back to the pool (it stays open for the next request). */
  done(): void;
}

export class GradientModelPool {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(private readonly capacity = 2) {}

  async lease(key: string, open: () => Promise<GradientModel>): Promise<Lease> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { model: open(), users: 0, lastUsed: 0 };
      this.entries.set(key, entry);
    }
    const leased = entry;
    leased.users += 1;
    leased.lastUsed = ++this.clock;
    let model: GradientModel;
    try {
      model = await leased.model;
    } catch (error) {
      // A model that failed to open (unsupported op, corrupt file) is not kept.
      if (this.entries.get(key) === leased) this.entries.delete(key);
      throw error;
    }
    this.evictIdle();
    let returned = false;
    return {
      model,
      done: () => {
        if (returned) return;
        returned = true;
        leased.users -= 1;
        this.evictIdle();
      },
    };
  }

  /** Open models, for tests and logs. */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    const models = [...this.entries.values()].map((e) => e.model);
    this.entries.clear();
    await Promise.allSettled(models.map(async (m) => (await m).release()));
  }

  /** Releases the least recently used idle models beyond the capacity. */
  private evictIdle(): void {
    const idle = [...this.entries.entries()]
      .filter(([, e]) => e.users === 0)
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, entry] of idle) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(key);
      void entry.model.then((m) => m.release()).catch(() => undefined);
    }
  }
}
