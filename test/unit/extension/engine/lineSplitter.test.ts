import assert from 'node:assert/strict';
import { LineSplitter } from '../../../../src/extension/engine/lineSplitter';
import { LogBuffer } from '../../../../src/extension/engine/logBuffer';

describe('extension/engine/LineSplitter', () => {
  it('joins lines cut across chunks and handles CRLF', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push('first li'), []);
    assert.deepEqual(splitter.push('ne\r\nsecond\nthi'), ['first line', 'second']);
    assert.deepEqual(splitter.push('rd\n\n'), ['third', '']);
    assert.deepEqual(splitter.flush(), []);
  });

  it('flushes an unterminated last line once', () => {
    const splitter = new LineSplitter();
    splitter.push('a\nb');
    assert.deepEqual(splitter.flush(), ['b']);
    assert.deepEqual(splitter.flush(), []);
  });
});

describe('extension/engine/LogBuffer', () => {
  it('keeps the newest lines up to its capacity, oldest first', () => {
    const buffer = new LogBuffer(3);
    for (const line of ['1', '2', '3', '4', '5']) buffer.append(line);
    assert.deepEqual(buffer.snapshot(), ['3', '4', '5']);
  });

  it('returns a copy', () => {
    const buffer = new LogBuffer(3);
    buffer.append('x');
    buffer.snapshot().push('y');
    assert.deepEqual(buffer.snapshot(), ['x']);
  });

  it('rejects a capacity that is not a positive integer', () => {
    assert.throws(() => new LogBuffer(0), RangeError);
  });
});
