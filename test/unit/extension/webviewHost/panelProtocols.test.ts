/** The type guards of the panel protocols (src/protocol/*Panel.ts), both directions. */
import assert from 'node:assert/strict';
import { isCalibrateHostMessage, isCalibrateWebviewMessage } from '../../../../src/protocol/calibratePanel';
import { isResultsHostMessage, isResultsWebviewMessage } from '../../../../src/protocol/resultsPanel';
import { hasType, isIndex, isReadyMessage, isRecord } from '../../../../src/protocol/webviewPanel';
import { packRows } from '../../../../src/extension/results/packRows';

/** An empty result's rows as the host packs them (column-wise; packRows.ts). */
const NO_ROWS = packRows([], []);

interface GuardCase {
  name: string;
  guard: (value: unknown) => boolean;
  pass: unknown[];
  fail: unknown[];
}

const CASES: GuardCase[] = [
  { name: 'isRecord', guard: isRecord, pass: [{}, { a: 1 }], fail: [[], null, 'x', 3, undefined] },
  {
    name: 'hasType',
    guard: (value) => hasType(value, 'a'),
    pass: [{ type: 'a' }, { type: 'a', b: 2 }],
    fail: [{ type: 'b' }, { kind: 'a' }, 'a'],
  },
  {
    name: 'isReadyMessage',
    guard: isReadyMessage,
    pass: [{ type: 'ready' }, { type: 'ready', extra: 1 }],
    fail: [{ type: 'Ready' }, 'ready', null],
  },
  { name: 'isIndex', guard: isIndex, pass: [0, 7], fail: [-1, 1.5, Number.NaN, Infinity, '2', undefined] },
  {
    name: 'results: what the webview may send',
    guard: isResultsWebviewMessage,
    pass: [{ type: 'ready' }, { type: 'openSample', index: 0 }, { type: 'openSample', index: 12 }],
    fail: [
      { type: 'openSample', index: -3 },
      { type: 'openSample', index: 2.5 },
      { type: 'openSample', index: '1' },
      { type: 'openSample' },
      { type: 'findLabelIssues' },
      { type: 'results', payload: { rows: [] } },
      [],
      null,
    ],
  },
  {
    name: 'results: what the host sends (the envelope, the columns and the packed rows)',
    guard: isResultsHostMessage,
    pass: [{ type: 'results', payload: { columns: [], rows: NO_ROWS } }],
    fail: [
      { type: 'results', payload: { rows: [] } },
      { type: 'results', payload: { columns: [], rows: [] } },
      { type: 'results', payload: { columns: [], rows: {} } },
      { type: 'results', payload: { rows: {} } },
      { type: 'results', payload: null },
      { type: 'results' },
      { type: 'calibration', payload: { rows: [] } },
      null,
    ],
  },
  {
    name: 'calibration: what the webview may send',
    guard: isCalibrateWebviewMessage,
    pass: [{ type: 'ready' }, { type: 'findLabelIssues' }],
    fail: [{ type: 'openSample', index: 1 }, { type: 'calibration' }, undefined],
  },
  {
    name: 'calibration: what the host sends',
    guard: isCalibrateHostMessage,
    pass: [{ type: 'calibration', payload: { rows: [] } }],
    fail: [{ type: 'calibration', payload: { rows: 'x' } }, { type: 'results', payload: { rows: [] } }, {}],
  },
];

describe('protocol: webview panel guards', () => {
  for (const { name, guard, pass, fail } of CASES) {
    it(name, () => {
      for (const value of pass) assert.equal(guard(value), true, `should pass: ${JSON.stringify(value)}`);
      for (const value of fail) assert.equal(guard(value), false, `should fail: ${JSON.stringify(value)}`);
    });
  }
});
