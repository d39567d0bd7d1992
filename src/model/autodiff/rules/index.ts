import type { BackwardRule } from '../ruleContext';
import { ELEMENTWISE_RULES } from './elementwise';
import { LINEAR_RULES } from './linear';
import { NORMALIZATION_RULES } from './normalization';
import { POOLING_RULES } from './pooling';
import { SELECTION_RULES } from './selection';
import { SHAPE_RULES } from './shape';
import { slice } from './slice';
import { SOFTMAX_RULES } from './softmax';

/** Every op the backward-graph builder can differentiate, by ONNX op type. */
export const BACKWARD_RULES: Record<string, BackwardRule> = {
  ...ELEMENTWISE_RULES,
  ...LINEAR_RULES,
  ...NORMALIZATION_RULES,
  ...POOLING_RULES,
  ...SELECTION_RULES,
  ...SHAPE_RULES,
  ...SOFTMAX_RULES,
  Slice: slice,
};
