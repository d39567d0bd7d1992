/** A minimal CancellationTokenSource, shaped like vscode's, for the EngineClient tests. */
import { EventEmitter } from 'node:events';
import type { CancellationSignal } from '../../../../src/extension/engine/engineClient';

export class TokenSource {
  private readonly emitter = new EventEmitter();
  private cancelled = false;
  readonly token: CancellationSignal;

  constructor() {
    const isCancelled = () => this.cancelled;
    this.token = {
      get isCancellationRequested() {
        return isCancelled();
      },
      onCancellationRequested: (listener) => {
        this.emitter.on('cancel', listener);
        return { dispose: () => this.emitter.off('cancel', listener) };
      },
    };
  }

  /** Fires once: later calls do nothing, as in vscode. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.emitter.emit('cancel', undefined);
  }
}
