import assert from 'node:assert/strict';
import {
  delimitedCells,
  findLabelCell,
  jsonMembers,
  labelColumnIndex,
  manifestFormat,
} from '../../../../src/extension/review/labelCell';

/** Applies a found cell's replacement to the line, as the quick fix's text edit does. */
function relabelLine(
  format: 'csv' | 'tsv' | 'jsonl',
  header: string,
  line: string,
  to: string,
  column?: string,
) {
  const found = findLabelCell(format, header, line, column);
  assert.ok(found.ok, found.ok ? '' : found.problem);
  return {
    value: found.cell.value,
    line: line.slice(0, found.cell.start) + found.cell.write(to) + line.slice(found.cell.end),
  };
}

describe('labelCell: the label cell of a manifest row', () => {
  it('knows the manifest formats by extension', () => {
    assert.equal(manifestFormat('/a/b.CSV'), 'csv');
    assert.equal(manifestFormat('/a/b.tsv'), 'tsv');
    assert.equal(manifestFormat('/a/b.jsonl'), 'jsonl');
    assert.equal(manifestFormat('/a/b.json'), undefined);
  });

  it('splits CSV cells with quotes, doubled quotes, commas inside quotes and an empty last cell', () => {
    const line = 'a,"b, c","say ""hi""",';
    assert.deepEqual(
      delimitedCells(line, ',').map((cell) => [line.slice(cell.start, cell.end), cell.value, cell.quoted]),
      [
        ['a', 'a', false],
        ['"b, c"', 'b, c', true],
        ['"say ""hi"""', 'say "hi"', true],
        ['', '', false],
      ],
    );
  });

  it('finds the label column by name, exact then case-insensitive, else the usual names', () => {
    assert.equal(labelColumnIndex(['path', 'Class', 'label'], 'Class'), 1);
    assert.equal(labelColumnIndex(['path', 'Class'], 'class'), 1);
    assert.equal(labelColumnIndex(['path', 'note', 'Label'], undefined), 2);
    assert.equal(labelColumnIndex(['path', 'note'], undefined), -1);
  });

  it('replaces only the label cell of a CSV row', () => {
    const header = 'path,label,note';
    assert.deepEqual(relabelLine('csv', header, 'images/a.png,Bag,"x, y"', 'Coat'), {
      value: 'Bag',
      line: 'images/a.png,Coat,"x, y"',
    });
  });

  it('keeps a quoted label quoted, and quotes a new label that needs it', () => {
    const header = '"path","label"';
    assert.equal(relabelLine('csv', header, '"a.png","Bag"', 'Coat').line, '"a.png","Coat"');
    assert.equal(relabelLine('csv', 'path,label', 'a.png,Bag', 'T-shirt, top').line, 'a.png,"T-shirt, top"');
    assert.equal(relabelLine('csv', 'path,label', 'a.png,Bag', 'the "best"').line, 'a.png,"the ""best"""');
  });

  it('uses the named label column of a TSV row', () => {
    assert.deepEqual(relabelLine('tsv', 'file\tlabel\ttruth', 'a.png\tBag\tCoat', 'Dress', 'truth'), {
      value: 'Coat',
      line: 'a.png\tBag\tDress',
    });
  });

  it('refuses a row whose cells do not match the header (a quoted cell spanning lines)', () => {
    const found = findLabelCell('csv', 'path,label,note', 'a.png,Bag,"starts here', undefined);
    assert.equal(found.ok, true, 'an unclosed quote is one cell to the end of the line');
    const short = findLabelCell('csv', 'path,label,note', 'only one', undefined);
    assert.equal(short.ok, false);
  });

  it('replaces the label value of a JSONL object, keeping spacing, other keys and nested values', () => {
    const line = '{"path": "a.png", "meta": {"label": "no"}, "label" : "Bag" , "n": [1, "]"]}';
    assert.deepEqual(relabelLine('jsonl', '', line, 'Coat'), {
      value: 'Bag',
      line: '{"path": "a.png", "meta": {"label": "no"}, "label" : "Coat" , "n": [1, "]"]}',
    });
    const relabelled = JSON.parse(relabelLine('jsonl', '', line, 'Coat').line) as Record<string, unknown>;
    assert.deepEqual(relabelled, { path: 'a.png', meta: { label: 'no' }, label: 'Coat', n: [1, ']'] });
  });

  it('writes a JSON string for a label with quotes, and keeps a numeric label numeric', () => {
    assert.equal(
      relabelLine('jsonl', '', '{"path":"a.png","label":"Bag"}', 'say "x"').line,
      '{"path":"a.png","label":"say \\"x\\""}',
    );
    assert.equal(relabelLine('jsonl', '', '{"path":"a.png","y":3}', '7').line, '{"path":"a.png","y":7}');
    assert.equal(
      relabelLine('jsonl', '', '{"path":"a.png","y":3}', 'seven').line,
      '{"path":"a.png","y":"seven"}',
    );
  });

  it('lists JSON members with escaped keys and refuses what is not one object', () => {
    const line = '{"a\\"b": 1, "c": "x\\"}"}';
    assert.deepEqual(
      jsonMembers(line)?.map((member) => [member.key, line.slice(member.start, member.end)]),
      [
        ['a"b', '1'],
        ['c', '"x\\"}"'],
      ],
    );
    assert.equal(jsonMembers('[1, 2]'), undefined);
    assert.equal(jsonMembers('{"a": '), undefined);
  });
});
