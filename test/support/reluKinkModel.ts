/**
 * A model whose one ReLU float32 puts on the wrong side of its kink, for the
 * tests of the float64 forward pass (model and engine).
 *
 * x = [a, b]; s = (1e8·a + 1) − 1e8·a; q = s_a + b − 0.5; y = Relu(q), one logit.
 * At a = 1, b = 0: float32 rounds 1e8 + 1 to 1e8, so s_a = 0, q = −0.5, y = 0
 * and dy/dx = [0, 0]; float64 keeps s_a = 1, q = 0.5, y = 0.5 and
 * dy/dx = [ds_a/da = 1e8 − 1e8 = 0, 1].
 */
import { modelBytes, node } from '../unit/model/autodiff/opHarness';

export const RELU_KINK_INPUT = Float32Array.of(1, 0);
export const RELU_KINK = {
  float32: { y: 0, gradient: [0, 0] },
  float64: { y: 0.5, gradient: [0, 1] },
} as const;

export function reluKinkModelBytes(): Uint8Array {
  return modelBytes({
    input: [2],
    nodes: [
      node('Mul', ['x', 'big'], ['h']),
      node('Add', ['h', 'one'], ['h1']),
      node('Sub', ['h1', 'h'], ['s']),
      node('MatMul', ['s', 'pickA'], ['sa']),
      node('MatMul', ['x', 'pickB'], ['xb']),
      node('Add', ['sa', 'xb'], ['q0']),
      node('Sub', ['q0', 'half'], ['q']),
      node('Relu', ['q'], ['y']),
    ],
    constants: [
      { name: 'big', dims: [2], values: [1e8, 1e8] },
      { name: 'one', dims: [], values: [1] },
      { name: 'pickA', dims: [2, 1], values: [1, 0] },
      { name: 'pickB', dims: [2, 1], values: [0, 1] },
      { name: 'half', dims: [], values: [0.5] },
    ],
  });
}
