/**
 * The engine's pool of open gradient models, with real GradientModels of the
 * fixture CNN (their release is counted by wrapping the real method).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GradientModelPool } from '../../../src/engine/gradientModelPool';
import { openGradientModel } from '../../../src/model/autodiff';
import type { GradientModel } from '../../../src/model/autodiff/types';

const MODEL = join(__dirname, '../../fixtures/fmnist/model.onnx');

describe('GradientModelPool', () => {
  const released = new Map<GradientModel, number>();
  let opened = 0;
  const open = async (): Promise<GradientModel> => {
    opened += 1;
    const model = await openGradientModel(MODEL);
    const release = model.release.bind(model);
    model.release = async () => {
      released.set(model, (released.get(model) ?? 0) + 1);
      await release();
    };
    return model;
  };
  beforeEach(() => {
    opened = 0;
    released.clear();
  });

  it('opens a model once for requests with the same key, and keeps it open between them', async () => {
    const pool = new GradientModelPool(2);
    const first = await pool.lease('a', open);
    first.done();
    const second = await pool.lease('a', open);
    assert.equal(second.model, first.model);
    assert.equal(opened, 1);
    assert.equal(released.size, 0);
    const upstream = new Float32Array(10);
    upstream[3] = 1;
    const { grad } = await second.model.logits.vjp(new Float32Array(784).fill(0.1), 1, upstream);
    assert.equal(grad.length, 784, 'the kept model still computes');
    second.done();
    await pool.close();
    assert.equal(released.get(first.model), 1);
  });

  it('releases the least recently used idle model beyond its capacity', async () => {
    const pool = new GradientModelPool(1);
    const a = await pool.lease('a', open);
    a.done();
    const b = await pool.lease('b', open);
    b.done();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(released.get(a.model), 1);
    assert.equal(released.get(b.model), undefined);
    assert.equal(pool.size, 1);
    await pool.close();
  });

  it('never releases a model that a request is using', async () => {
    const pool = new GradientModelPool(1);
    const a = await pool.lease('a', open);
    const b = await pool.lease('b', open);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(released.size, 0, 'both are in use');
    b.done();
    a.done();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(released.get(b.model), 1, 'b, the least recently leased idle model, goes');
    assert.equal(released.get(a.model), undefined);
    await pool.close();
  });

  it('does not keep a model that failed to open', async () => {
    const pool = new GradientModelPool(2);
    const failing = () => Promise.reject(new Error('unsupported op'));
    await assert.rejects(pool.lease('bad', failing), /unsupported op/);
    assert.equal(pool.size, 0);
    const retry = await pool.lease('bad', open);
    assert.equal(opened, 1, 'the next request opens it again');
    retry.done();
    await pool.close();
  });
});
