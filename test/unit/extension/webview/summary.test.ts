import assert from 'node:assert/strict';
import { describeMetrics, humaniseKey } from '../../../../webview/results/summary';
import { describeNeighbours } from '../../../../webview/results/neighbours';
import type { ResultRow } from '../../../../src/protocol/resultsPanel';

describe('webview/results/summary', () => {
  it('speaks the labels task metrics as sentences, known ones first', () => {
    const sentences = describeMetrics({
      meanDisagreement: 0.34375,
      suggestedDiffersFromGiven: 116,
      samples: 1000,
      estimatedIssues: 96,
      somethingNew: 0.5,
    });
    assert.deepEqual(
      sentences.map((sentence) => sentence.text),
      [
        'Estimated label issues: 96 of 1,000 (cut-off marked in the list)',
        '116 samples: the suggested label differs from the given one',
        "On average 34.4% of a sample's neighbours carry another label",
        '1,000 samples scored',
        'Something new: 0.5000',
      ],
    );
    assert.deepEqual(
      sentences.map((sentence) => sentence.key),
      ['estimatedIssues', 'suggestedDiffersFromGiven', 'meanDisagreement', 'samples', 'somethingNew'],
    );
  });

  it('uses the singular for one', () => {
    assert.deepEqual(
      describeMetrics({ suggestedDiffersFromGiven: 1 }).map((sentence) => sentence.text),
      ['1 sample: the suggested label differs from the given one'],
    );
    assert.deepEqual(describeMetrics(undefined), []);
  });

  it('humanises unknown keys, keeping class names and acronyms', () => {
    assert.equal(humaniseKey('meanDisagreement'), 'Mean disagreement');
    assert.equal(
      humaniseKey('aurocForPredictionDiffersFromLabel'),
      'Auroc for prediction differs from label',
    );
    assert.equal(humaniseKey('predicted T-shirt/top'), 'Predicted T-shirt/top');
    assert.equal(humaniseKey('reference AUROC (held out)'), 'Reference AUROC (held out)');
    assert.equal(humaniseKey('top5_accuracy'), 'Top5 accuracy');
  });
});

describe('webview/results/neighbours', () => {
  const row = (index: number, label?: string): ResultRow => ({
    index,
    rank: index + 1,
    id: `${index}.png`,
    score: 0,
    values: label === undefined ? {} : { label },
    openable: true,
  });
  const byIndex = new Map(
    [row(0, 'shirt'), row(1, 'coat'), row(2, 'coat'), row(3, 'shirt'), row(4, 'coat'), row(5)].map((r) => [
      r.index,
      r,
    ]),
  );

  it('says why: how many neighbours carry which label', () => {
    assert.equal(
      describeNeighbours(row(0, 'shirt'), [1, 2, 3, 4, 5], byIndex, 'label'),
      '3 of 4 neighbours are labelled coat, not shirt; 1 share its label.',
    );
    assert.equal(
      describeNeighbours(row(1, 'coat'), [2, 4, 0], byIndex, 'label'),
      '2 of 3 neighbours share its label coat.',
    );
    assert.equal(
      describeNeighbours(row(5), [1, 2, 0], byIndex, 'label'),
      '2 of 3 neighbours are labelled coat.',
    );
    assert.equal(
      describeNeighbours(row(0, 'shirt'), [5], byIndex, 'label'),
      'None of the 1 neighbours has a label.',
    );
    assert.equal(describeNeighbours(row(0, 'shirt'), [], byIndex, 'label'), 'No neighbours recorded.');
  });
});
