/**
 * The open panels of one kind, by key (results: one per task; calibration:
 * one in all). `show` reuses the key's open panel or creates one, hands it the
 * input and keeps what the panel made of it (the in-host tests read it); a
 * panel the user closed is forgotten, so the next `show` creates it anew.
 */
import { Disposable } from '../dispose';

/** A PanelHost subclass that shows one kind of input fits. */
export interface ShowingPanel<Input, Shown> {
  /** Shows `input` (revealing the panel) and returns what the webview gets. */
  show(input: Input): Shown;
  onDidDispose(listener: () => void): unknown;
  dispose(): void;
}

export interface PanelRegistryOptions<Key, Input, Shown> {
  keyOf(input: Input): Key;
  /** A new panel for the first input of its key. */
  create(input: Input): ShowingPanel<Input, Shown>;
}

export class PanelRegistry<Key, Input, Shown> extends Disposable {
  private readonly panels = new Map<Key, ShowingPanel<Input, Shown>>();
  private latest: Shown | undefined;

  constructor(private readonly options: PanelRegistryOptions<Key, Input, Shown>) {
    super();
  }

  show(input: Input): Shown {
    this.latest = this.panelFor(input).show(input);
    return this.latest;
  }

  /** What the last `show`, in any panel, returned. */
  lastShown(): Shown | undefined {
    return this.latest;
  }

  private panelFor(input: Input): ShowingPanel<Input, Shown> {
    const key = this.options.keyOf(input);
    const open = this.panels.get(key);
    if (open) return open;
    const created = this._register(this.options.create(input));
    this.panels.set(key, created);
    created.onDidDispose(() => {
      if (this.panels.get(key) === created) this.panels.delete(key);
    });
    return created;
  }

  override dispose(): void {
    this.panels.clear();
    super.dispose();
  }
}
