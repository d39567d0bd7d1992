/**
 * What one saliency panel shows and runs, without `vscode` so plain-Node
 * tests drive it against the real engine: the subject (image and model), the
 * mode (one map, or several methods side by side), each method's view
 * (running with the engine's progress, done, failed, cancelled), and the
 * prediction. Requests run one at a time; a new one cancels what runs. Maps
 * come from the cache when the same one was computed before, else from the
 * engine with `metrics: true` (the faithfulness figures).
 */
import type { ExplainMethod, ExplainParams, ExplainResult, ProgressParams } from '../../protocol/engine';
import {
  settingsFor,
  type SaliencyOptions,
  type SaliencyRequest,
  type SaliencyState,
  type SaliencySubject,
  type SaliencyView,
} from '../../protocol/saliencyPanel';
import type { CancellationSignal } from '../engine/engineClient';
import { explainKey, type ExplainCache, type FileStamp } from './explainCache';
import { saliencyErrorOf } from './saliencyFailure';
import { classesOf, saliencyMapOf } from './saliencyMapView';

export type ExplainFunction = (
  params: ExplainParams,
  token: CancellationSignal,
  onProgress: (progress: ProgressParams) => void,
) => Promise<ExplainResult>;

/** Reports engine work outside the panel (VS Code: a cancellable notification); `report` takes each progress step. */
export type ProgressWrapper = <T>(
  title: string,
  work: (report: (method: ExplainMethod, progress: ProgressParams) => void) => Promise<T>,
  cancel: () => void,
) => Promise<T>;

export interface SaliencySessionOptions {
  subject: SaliencySubject;
  /** The sidecar's input layout (NCHW/NHWC), when it gives one. */
  layout?: string;
  explain: ExplainFunction;
  stamp(path: string): Promise<FileStamp>;
  cache: ExplainCache<ExplainResult>;
  /** Called with the new state after every change. */
  onChange(state: SaliencyState): void;
  withProgress?: ProgressWrapper;
}

/** A cancellation the session owns, shaped like a vscode CancellationToken. */
class Cancellation implements CancellationSignal {
  private cancelled = false;
  private readonly listeners = new Set<(event: unknown) => unknown>();

  get isCancellationRequested(): boolean {
    return this.cancelled;
  }

  onCancellationRequested(listener: (event: unknown) => unknown): { dispose(): unknown } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const listener of [...this.listeners]) listener(undefined);
  }
}

const passThrough: ProgressWrapper = (_title, work) => work(() => undefined);

export class SaliencySession {
  private state: SaliencyState;
  private running: { cancellation: Cancellation; done: Promise<void> } | undefined;
  private engineCalls = 0;
  /** Bumped by every request: a request overtaken while it waited for the previous one to stop is dropped. */
  private generation = 0;

  constructor(private readonly options: SaliencySessionOptions) {
    this.state = {
      subject: options.subject,
      mode: 'single',
      request: { method: 'occlusion', options: {} },
      compareMethods: [],
      views: [],
    };
  }

  get current(): SaliencyState {
    return this.state;
  }

  /** Engine explain calls made so far (cache hits make none). */
  get engineCallCount(): number {
    return this.engineCalls;
  }

  /** One map with these settings; resolves when it is shown (done, failed or cancelled). */
  async explain(request: SaliencyRequest): Promise<SaliencyView[]> {
    const clean = { ...request, options: { ...request.options } };
    return this.run({ mode: 'single', request: clean, compareMethods: [] }, [clean]);
  }

  /** Several methods side by side on the same image, with the same target and settings. */
  async compare(
    methods: ExplainMethod[],
    target: number | undefined,
    options: SaliencyOptions,
  ): Promise<SaliencyView[]> {
    const requests = methods.map((method) => ({ method, target, options: { ...options } }));
    const shown = { method: methods[0], target, options: { ...options } };
    return this.run({ mode: 'compare', request: shown, compareMethods: [...methods] }, requests);
  }

  /** Stops what runs: the engine job ends, its view says cancelled. */
  cancel(): void {
    this.running?.cancellation.cancel();
  }

  /** Reports a problem with the panel as a whole (an export that failed), or clears it. */
  setProblem(problem: string | undefined): void {
    this.update({ problem });
  }

  /**
   * Writes view `index`'s map to `out` (the engine's `out` param: .png overlay,
   * .npy) with the target it resolved to. Resolves with the files written.
   */
  async export(index: number, out: string[]): Promise<string[]> {
    const view = this.state.views[index];
    if (!view?.map) throw new Error('there is no map to export yet');
    const request = { ...view.request, target: view.map.target };
    ++this.generation;
    await this.settleRunning();
    const cancellation = new Cancellation();
    const wrapper = this.options.withProgress ?? passThrough;
    const work = wrapper(
      `MARGIN: exporting the ${request.method} map`,
      (report) =>
        this.options.explain(this.paramsOf(request, { out }), cancellation, (progress) =>
          report(request.method, progress),
        ),
      () => cancellation.cancel(),
    );
    this.running = {
      cancellation,
      done: work.then(
        () => undefined,
        () => undefined,
      ),
    };
    try {
      const result = await work;
      this.update({ exported: [...(this.state.exported ?? []), ...result.written], problem: undefined });
      return result.written;
    } finally {
      this.running = undefined;
    }
  }

  private async run(
    shape: Pick<SaliencyState, 'mode' | 'request' | 'compareMethods'>,
    requests: SaliencyRequest[],
  ): Promise<SaliencyView[]> {
    const generation = ++this.generation;
    await this.settleRunning();
    if (generation !== this.generation) return this.state.views;
    const cancellation = new Cancellation();
    const views: SaliencyView[] = requests.map((request) => ({ request, status: 'running' }));
    this.update({ ...shape, views, problem: undefined });

    const work = this.runViews(views, cancellation);
    this.running = { cancellation, done: work };
    try {
      await work;
    } finally {
      if (this.running?.cancellation === cancellation) this.running = undefined;
    }
    return this.state.views;
  }

  /** Cancels what runs and waits until it has settled, so runs never overlap. */
  private async settleRunning(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.cancellation.cancel();
    await running.done;
  }

  private async runViews(views: SaliencyView[], cancellation: Cancellation): Promise<void> {
    // Cached maps are shown at once; the rest go to the engine, one after the other, behind one progress.
    let keys: string[];
    try {
      keys = await Promise.all(views.map((view) => this.keyOf(view.request)));
    } catch (error) {
      // The image or the model went away (or cannot be read): every view says which.
      const problem = { message: (error as Error).message, file: (error as { path?: string }).path };
      views.forEach((_, index) => this.setView(index, { status: 'failed', error: problem }));
      return;
    }
    const missing: number[] = [];
    views.forEach((view, index) => {
      const hit = this.options.cache.get(keys[index]);
      if (hit) this.finish(index, hit, true);
      else missing.push(index);
    });
    if (missing.length === 0) return;

    const title =
      missing.length === 1
        ? `MARGIN: explaining with ${views[missing[0]].request.method}`
        : `MARGIN: explaining with ${missing.length} methods`;
    const wrapper = this.options.withProgress ?? passThrough;
    await wrapper(
      title,
      async (report) => {
        for (const index of missing) {
          if (cancellation.isCancellationRequested) {
            this.setView(index, { status: 'cancelled', progress: undefined });
            continue;
          }
          const request = views[index].request;
          try {
            this.engineCalls += 1;
            const result = await this.options.explain(this.paramsOf(request), cancellation, (progress) => {
              report(request.method, progress);
              this.setView(index, {
                progress: { stage: progress.stage, done: progress.done, total: progress.total },
              });
            });
            this.options.cache.set(keys[index], result);
            // The predicted class is also an explicit target: asking for it by index hits the cache.
            if (request.target === undefined)
              this.options.cache.set(await this.keyOf({ ...request, target: result.target }), result);
            this.finish(index, result, false);
          } catch (error) {
            const problem = saliencyErrorOf(error, request.method);
            if (problem === 'cancelled') this.setView(index, { status: 'cancelled', progress: undefined });
            else this.setView(index, { status: 'failed', error: problem, progress: undefined });
          }
        }
      },
      () => cancellation.cancel(),
    ).catch(() => undefined);
  }

  private finish(index: number, result: ExplainResult, cached: boolean): void {
    const { labels } = this.state.subject;
    this.setView(index, {
      status: 'done',
      progress: undefined,
      map: saliencyMapOf(result, labels, cached, this.options.layout),
    });
    this.update({ classes: classesOf(result, labels) });
  }

  private paramsOf(request: SaliencyRequest, extra: Partial<ExplainParams> = {}): ExplainParams {
    const settings = settingsFor(request.method, request.options);
    return {
      model: this.state.subject.model,
      input: this.state.subject.input,
      method: request.method,
      ...(request.target !== undefined ? { target: request.target } : {}),
      ...(Object.keys(settings).length ? { options: settings } : {}),
      metrics: true,
      ...extra,
    };
  }

  private async keyOf(request: SaliencyRequest): Promise<string> {
    const { model, input } = this.state.subject;
    const [modelStamp, inputStamp] = await Promise.all([
      this.options.stamp(model),
      this.options.stamp(input),
    ]);
    return explainKey({ model: modelStamp, input: inputStamp, request });
  }

  private setView(index: number, change: Partial<SaliencyView>): void {
    const views = this.state.views.map((view, at) => (at === index ? { ...view, ...change } : view));
    this.update({ views });
  }

  private update(change: Partial<SaliencyState>): void {
    this.state = { ...this.state, ...change };
    this.options.onChange(this.state);
  }
}
