import type { BackwardRule } from '../ruleContext';
import { ELEMENTWISE_RULES } from './elementwise';
import { LINEAR_RULES } from './linear';
import { POOLING_RULES } from './pooling';
import { SHAPE_RULES } from './shape';

/** Every op the backward-graph builder can differentiate, by ONNX op type. */
export const BACKWARD_RULES: Record<string, BackwardRule> = {
  ...ELEMENTWISE_RULES,
  ...LINEAR_RULES,
  ...POOLING_RULES,
  ...SHAPE_RULES,
};
