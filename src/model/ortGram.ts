/**
 * XᵀX on onnxruntime (Gemm with transA), the expensive step of PCA. Rows go in
 * blocks; each block's float32 product is accumulated in float64, so rounding
 * grows with the block length, not with the number of rows.
 */
import * as ort from 'onnxruntime-node';
import { createCheckpoint } from '../core/cooperative';
import type { ComputeOptions, DenseMatrix, GramProduct } from '../core/types';
import { FLOAT, helperModel, intAttribute, node, valueInfo } from './onnxGraph';
import { helperSession } from './helperSessions';

const BLOCK_ROWS = 4096;

function buildGramGraph(): Uint8Array {
  return helperModel({
    name: 'margin-gram',
    input: [valueInfo('rows', FLOAT, ['r', 'd'])],
    output: [valueInfo('gram', FLOAT, ['d', 'd'])],
    node: [node('Gemm', ['rows', 'rows'], ['gram'], [intAttribute('transA', 1)])],
  });
}

export const ortGram: GramProduct = async (centred: DenseMatrix, options?: ComputeOptions): Promise<Float64Array> => {
  const { rows, dim, data } = centred;
  if (data.length !== rows * dim) throw new RangeError(`matrix data holds ${data.length} values, expected ${rows}×${dim}`);
  const session = await helperSession('gram', buildGramGraph);
  const checkpoint = createCheckpoint(options);
  const gram = new Float64Array(dim * dim);
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, rows - start);
    const block = new ort.Tensor('float32', data.subarray(start * dim, (start + count) * dim), [count, dim]);
    const out = await session.run({ rows: block });
    const product = out.gram.data as Float32Array;
    for (let t = 0; t < gram.length; t++) gram[t] += product[t];
    options?.onProgress?.(start + count, rows);
    await checkpoint();
  }
  return gram;
};
