import assert from 'node:assert/strict';
import { StageProgress, describeStage } from '../../../../src/extension/engine/stageProgress';

describe('extension/engine/stageProgress', () => {
  const shares = { load: 0.1, model: 0.5, graph: 1 };

  it('gives each new stage its share of what is left, filled by done/total', () => {
    const bar = new StageProgress(shares);
    // load owns 10% of 100: 0..10.
    assert.equal(bar.update('load', 0, 1).increment, 0);
    assert.equal(bar.update('load', 1, 1).increment, 10);
    // model owns 50% of the remaining 90 = 45, from 10 to 55; a quarter done = 11.25.
    assert.equal(bar.update('model', 250, 1000).increment, 11.25);
    assert.equal(bar.update('model', 1000, 1000).increment, 33.75);
    assert.equal(bar.percent, 55);
    // graph owns all of the remaining 45.
    assert.equal(bar.update('graph', 3, 3).increment, 45);
    assert.equal(bar.percent, 100);
  });

  it('never moves backwards and ignores bad totals', () => {
    const bar = new StageProgress(shares);
    bar.update('model', 50, 100); // 25
    assert.equal(bar.update('model', 10, 100).increment, 0);
    assert.equal(bar.update('model', 5, 0).increment, 0);
    assert.equal(bar.update('model', 200, 100).increment, 25); // clamped to done = total
    assert.equal(bar.percent, 50);
  });

  it('gives an unknown stage half of what is left', () => {
    const bar = new StageProgress(shares);
    bar.update('load', 1, 1); // 10
    assert.equal(bar.update('something new', 1, 1).increment, 45);
  });

  it('describes counted stages with their counts and single steps without', () => {
    assert.equal(describeStage('running the model', 1024, 60000), 'running the model (1,024/60,000)');
    assert.equal(describeStage('filtering', 0, 1), 'filtering');
  });
});
