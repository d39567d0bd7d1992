/** The saliency panel's message guards: what each side accepts from the other. */
import assert from 'node:assert/strict';
import {
  isSaliencyHostMessage,
  isSaliencyWebviewMessage,
  settingsFor,
} from '../../../../src/protocol/saliencyPanel';
import { parseExplainArgs } from '../../../../src/extension/saliency/explainArguments';
import { isResultsWebviewMessage } from '../../../../src/protocol/resultsPanel';

describe('protocol/saliencyPanel', () => {
  describe('isSaliencyWebviewMessage', () => {
    it('accepts ready, cancel, and well-formed explain, compare and export messages', () => {
      for (const message of [
        { type: 'ready' },
        { type: 'cancel' },
        { type: 'explain', request: { method: 'ig', options: {} } },
        { type: 'explain', request: { method: 'ig', target: 3, options: { steps: 16, baseline: 'blur' } } },
        { type: 'explain', request: { method: 'deeplift', options: { rule: 'reveal-cancel' } } },
        { type: 'compare', methods: ['margin', 'occlusion'], options: {} },
        { type: 'compare', methods: ['ig'], target: 0, options: { samples: 10 } },
        { type: 'export', view: 0, where: 'beside' },
        { type: 'export', view: 2, where: 'choose' },
      ])
        assert.equal(isSaliencyWebviewMessage(message), true, JSON.stringify(message));
    });

    it('refuses unknown types, methods, settings, targets and export places', () => {
      for (const message of [
        null,
        'explain',
        { type: 'openSample', index: 1 },
        { type: 'explain' },
        { type: 'explain', request: { method: 'lime', options: {} } },
        { type: 'explain', request: { method: 'ig' } },
        { type: 'explain', request: { method: 'ig', target: -1, options: {} } },
        { type: 'explain', request: { method: 'ig', target: '3', options: {} } },
        { type: 'explain', request: { method: 'ig', options: { steps: 0 } } },
        { type: 'explain', request: { method: 'ig', options: { steps: 2.5 } } },
        { type: 'explain', request: { method: 'ig', options: { baseline: 'white' } } },
        { type: 'explain', request: { method: 'ig', options: { noise: 0.1 } } },
        { type: 'compare', methods: [], options: {} },
        { type: 'compare', methods: ['ig', 'ig'], options: {} },
        { type: 'compare', methods: ['ig', 'nope'], options: {} },
        { type: 'export', view: -1, where: 'beside' },
        { type: 'export', view: 0, where: 'desktop' },
      ])
        assert.equal(isSaliencyWebviewMessage(message), false, JSON.stringify(message));
    });
  });

  it('isSaliencyHostMessage checks the envelope, the subject and the views list', () => {
    const state = { subject: { input: '/a.png' }, views: [] };
    assert.equal(isSaliencyHostMessage({ type: 'state', state }), true);
    assert.equal(isSaliencyHostMessage({ type: 'state', state: { ...state, views: {} } }), false);
    assert.equal(isSaliencyHostMessage({ type: 'state', state: { views: [] } }), false);
    assert.equal(isSaliencyHostMessage({ type: 'results', state }), false);
  });

  it('settingsFor keeps only the settings the method reads, and only set ones', () => {
    const all = { baseline: 'blur', steps: 8, rule: 'rescale', samples: 30 } as const;
    assert.deepEqual(settingsFor('ig', all), { baseline: 'blur', steps: 8 });
    assert.deepEqual(settingsFor('deeplift', all), { baseline: 'blur', rule: 'rescale' });
    assert.deepEqual(settingsFor('smoothgrad', all), { samples: 30 });
    assert.deepEqual(settingsFor('margin', all), {});
    assert.deepEqual(settingsFor('ig', { baseline: undefined, steps: 4 }), { steps: 4 });
  });

  it("the results panel's row action: explainSample with a sample index", () => {
    assert.equal(isResultsWebviewMessage({ type: 'explainSample', index: 4 }), true);
    assert.equal(isResultsWebviewMessage({ type: 'explainSample', index: -1 }), false);
    assert.equal(isResultsWebviewMessage({ type: 'explainSample' }), false);
  });

  describe('parseExplainArgs (the command argument)', () => {
    it('takes a file Uri as the image, and checked fields of an object', () => {
      assert.deepEqual(parseExplainArgs({ scheme: 'file', fsPath: '/w/a.png' }), { image: '/w/a.png' });
      assert.deepEqual(
        parseExplainArgs({
          image: ' a.png ',
          model: 'm.onnx',
          method: 'ig',
          target: 2,
          options: { steps: 4 },
          compare: ['ig', 'margin', 'ig'],
        }),
        {
          image: 'a.png',
          model: 'm.onnx',
          method: 'ig',
          target: 2,
          options: { steps: 4 },
          compare: ['ig', 'margin'],
        },
      );
    });

    it('drops what is malformed', () => {
      assert.deepEqual(parseExplainArgs(undefined), {});
      assert.deepEqual(parseExplainArgs('a.png'), {});
      assert.deepEqual(
        parseExplainArgs({ image: '', method: 'lime', target: -2, options: { steps: 'x' }, compare: [] }),
        {},
      );
      assert.deepEqual(parseExplainArgs({ scheme: 'untitled', fsPath: '/x' }), {});
    });
  });
});
