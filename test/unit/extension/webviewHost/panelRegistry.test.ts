/** webviewHost/PanelRegistry: one open panel per key, reused, forgotten once closed. */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PanelRegistry } from '../../../../src/extension/webviewHost/panelRegistry';

interface Input {
  task: string;
  value: number;
}

/** A panel as the registry sees it: it shows inputs, and the user closes it with `close()`. */
class FakePanel {
  private readonly events = new EventEmitter();
  readonly shown: number[] = [];
  disposed = false;
  constructor(readonly name: string) {}
  show(input: Input): string {
    this.shown.push(input.value);
    return `${this.name} shows ${input.value}`;
  }
  onDidDispose(listener: () => void): void {
    this.events.on('dispose', listener);
  }
  close(): void {
    this.events.emit('dispose');
    this.dispose();
  }
  dispose(): void {
    this.disposed = true;
  }
}

function registry() {
  const created: FakePanel[] = [];
  const panels = new PanelRegistry<string, Input, string>({
    keyOf: (input) => input.task,
    create: (input) => {
      const panel = new FakePanel(`${input.task} #${created.length + 1}`);
      created.push(panel);
      return panel;
    },
  });
  return { panels, created };
}

describe('extension/webviewHost/PanelRegistry', () => {
  it('creates a panel per key once, reuses it, and returns what it showed', () => {
    const { panels, created } = registry();
    assert.equal(panels.lastShown(), undefined);
    assert.equal(panels.show({ task: 'labels', value: 1 }), 'labels #1 shows 1');
    assert.equal(panels.show({ task: 'boundary', value: 2 }), 'boundary #2 shows 2');
    assert.equal(panels.show({ task: 'labels', value: 3 }), 'labels #1 shows 3');
    assert.equal(created.length, 2);
    assert.deepEqual(created[0].shown, [1, 3]);
    assert.equal(panels.lastShown(), 'labels #1 shows 3');
  });

  it('creates a new panel after the user closed the old one', () => {
    const { panels, created } = registry();
    panels.show({ task: 'labels', value: 1 });
    created[0].close();
    assert.equal(panels.show({ task: 'labels', value: 2 }), 'labels #2 shows 2');
    assert.equal(panels.show({ task: 'labels', value: 3 }), 'labels #2 shows 3');
    assert.equal(created.length, 2);
  });

  it('disposes the open panels with itself', () => {
    const { panels, created } = registry();
    panels.show({ task: 'a', value: 1 });
    panels.show({ task: 'b', value: 2 });
    panels.dispose();
    assert.deepEqual(
      created.map((panel) => panel.disposed),
      [true, true],
    );
  });
});
