import assert from 'node:assert/strict';
import { csvCell, reviewCsv } from '../../../../src/extension/review/reviewExport';

describe('reviewExport: the review as CSV', () => {
  it('writes one row per decision, sorted, relabels with their given and new labels', () => {
    const csv = reviewCsv([
      { dataset: '/w/m.csv', sampleId: 'b.png', decision: { state: 'ok', at: 'T2' } },
      {
        dataset: '/w/m.csv',
        sampleId: 'a.png',
        path: '/w/a.png',
        decision: { state: 'relabelled', from: 'Bag', to: 'Coat', at: 'T1' },
        applied: true,
      },
      {
        dataset: '/w/images',
        sampleId: 'Bag/x, y.png',
        decision: { state: 'relabelled', from: 'Bag', to: 'Shirt', at: 'T3' },
        applied: false,
      },
    ]);
    assert.equal(
      csv,
      [
        'dataset,sample,path,decision,given_label,new_label,applied,decided_at',
        '/w/images,"Bag/x, y.png",,relabelled,Bag,Shirt,no,T3',
        '/w/m.csv,a.png,/w/a.png,relabelled,Bag,Coat,yes,T1',
        '/w/m.csv,b.png,,ok,,,,T2',
        '',
      ].join('\n'),
    );
  });

  it('quotes as RFC 4180 and defuses spreadsheet formulas', () => {
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=cmd()'), "'=cmd()");
    assert.equal(csvCell('plain'), 'plain');
  });
});
