import assert from 'node:assert/strict';
import { RestartBackoff } from '../../../../src/extension/engine/restartBackoff';

describe('extension/engine/restartBackoff', () => {
  const options = { baseMs: 1000, maxMs: 5000, maxAttempts: 4, stableMs: 60_000 };

  it('doubles the delay per consecutive crash up to the cap, then gives up', () => {
    const backoff = new RestartBackoff(options);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => backoff.nextDelay(10)),
      [1000, 2000, 4000, 5000, undefined],
    );
  });

  it('starts over after an engine that stayed up long enough, or after reset()', () => {
    const backoff = new RestartBackoff(options);
    backoff.nextDelay(10);
    backoff.nextDelay(10);
    assert.equal(backoff.nextDelay(60_000), 1000);
    backoff.nextDelay(10);
    backoff.reset();
    assert.equal(backoff.crashes, 0);
    assert.equal(backoff.nextDelay(10), 1000);
  });
});
