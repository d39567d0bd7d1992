import assert from 'node:assert/strict';
import { createCheckpoint } from '../../../src/core/cooperative';
import { CancelledError } from '../../../src/core/errors';

describe('core/cooperative createCheckpoint', () => {
  it('lets a timer fire during a long synchronous loop and then honours an abort', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    const checkpoint = createCheckpoint({ signal: controller.signal });
    const started = Date.now();
    // Busy work in slices; without the yields inside checkpoint() the timer could never run.
    const loop = async () => {
      for (;;) {
        const sliceEnd = Date.now() + 2;
        while (Date.now() < sliceEnd) {
          /* spin */
        }
        await checkpoint();
        if (Date.now() - started > 5000) throw new Error('never cancelled');
      }
    };
    await assert.rejects(loop(), CancelledError);
  });

  it('passes through when there is no signal', async () => {
    const checkpoint = createCheckpoint(undefined);
    await checkpoint();
  });
});
