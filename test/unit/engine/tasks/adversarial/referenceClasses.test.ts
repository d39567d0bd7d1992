import assert from 'node:assert/strict';
import { InputError } from '../../../../../src/core/errors';
import { referenceClasses } from '../../../../../src/engine/tasks/adversarial/referenceClasses';

const NAMES = ['T-shirt_top', 'Trouser', 'Pullover'];

describe('engine/tasks/adversarial referenceClasses', () => {
  it("maps labels to the model's class indices by name, or as indices", () => {
    assert.deepEqual(
      Array.from(referenceClasses(['Trouser', 'T-shirt_top', '2', undefined], NAMES, 3, 'ref').codes),
      [1, 0, 2, -1],
    );
    assert.deepEqual(Array.from(referenceClasses(['0', '2', '1'], undefined, 3, 'ref').codes), [0, 2, 1]);
  });

  it('leaves unknown labels out and counts them', () => {
    const { codes, unknown } = referenceClasses(['Trouser', 'Hat', '7'], NAMES, 3, 'ref');
    assert.deepEqual(Array.from(codes), [1, -1, -1]);
    assert.equal(unknown, 2);
  });

  it('refuses a reference with no label the model knows, or with no labels at all', () => {
    assert.throws(
      () => referenceClasses(['Hat', 'Scarf'], NAMES, 3, 'ref.csv'),
      (error: unknown) =>
        error instanceof InputError &&
        error.file === 'ref.csv' &&
        /"Hat", which is not a class of the model \(its classes are T-shirt_top, Trouser, Pullover\)/.test(
          error.problem,
        ),
    );
    assert.throws(
      () => referenceClasses([undefined, undefined], NAMES, 3, 'ref.csv'),
      (error: unknown) =>
        error instanceof InputError && /has no labels.*--reference-labels/.test(error.problem),
    );
  });
});
