/**
 * What the reverse sweeps share: the nodes on the path from `wrt` to `of`,
 * per-tensor gradient accumulation, and the safe Δy/Δx of DeepLIFT.
 */
import type { onnx } from '../onnxGraph';
import type { GraphEmitter } from './emitter';
import type { RuleContext } from './ruleContext';
import type { NonlinearityRule } from './types';

/** Below this |Δx|, DeepLIFT multipliers fall back to the local derivative. */
export const DEEPLIFT_EPSILON = 1e-7;

export interface Sweep {
  e: GraphEmitter;
  /** Forward nodes on a path from wrt to of, in graph order. */
  nodes: onnx.NodeProto[];
  of: string;
  wrt: string;
  /** Graph input holding the upstream gradient of `of`. */
  upstream: string;
  /** Float tensors that depend on wrt. */
  fromWrt: Set<string>;
  /** The node being differentiated, for error messages. */
  current: { node: onnx.NodeProto };
  contextFor(rule: NonlinearityRule): RuleContext;
  /** Made-up tensor names that have a forward tensor's shape (W⁺ → W). */
  aliases: Map<string, string>;
  reference(name: string): string;
}

/** Gradient (or multiplier) contributions per tensor, summed when first read. */
export class Contributions {
  private readonly parts = new Map<string, string[]>();

  constructor(private readonly e: GraphEmitter) {}

  add(tensor: string, contribution: string): void {
    this.parts.set(tensor, [...(this.parts.get(tensor) ?? []), contribution]);
  }

  total(tensor: string): string | undefined {
    const parts = this.parts.get(tensor);
    if (!parts || parts.length === 0) return undefined;
    if (parts.length > 1) this.parts.set(tensor, [this.e.op('Sum', parts)]);
    return this.parts.get(tensor)![0];
  }
}

/** Δy/Δx where |Δx| > ε, else the fallback (the local derivative). */
export function safeRatio(e: GraphEmitter, deltaY: string, deltaX: string, fallback: () => string): string {
  const moved = e.op('Greater', [e.op('Abs', [deltaX]), e.scalar(DEEPLIFT_EPSILON)]);
  const ratio = e.op('Div', [deltaY, e.op('Where', [moved, deltaX, e.scalar(1)])]);
  return e.op('Where', [moved, ratio, fallback()]);
}
