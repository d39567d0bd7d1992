/**
 * What a backward rule sees: the emitter, the static facts of every tensor,
 * and the nonlinearity hook through which DeepLIFT replaces local
 * derivatives with multipliers.
 */
import type { onnx } from '../onnxGraph';
import type { NonlinearityRule } from './types';
import type { GraphEmitter } from './emitter';
import { BATCH } from './forwardFacts';

export interface RuleContext {
  readonly e: GraphEmitter;
  readonly rule: NonlinearityRule;
  /** The backward model's default-domain opset (ReduceMax/ReduceMean take their axes as an input from 18 on). */
  readonly opset: number;
  /** Dimensions of a forward tensor, BATCH where they follow the batch. */
  dims(tensor: string): number[];
  /** ONNX element type of a forward tensor. */
  elemType(tensor: string): number;
  /** The value of a small constant tensor, or undefined. */
  value(tensor: string): number[] | undefined;
  /** The same tensor in the reference (x0) forward pass; itself when it does not depend on the input. */
  reference(tensor: string): string;
  /** Whether a tensor depends on the input (so it has a reference value that differs). */
  variable(tensor: string): boolean;
  /** A runtime or constant int64 shape of a forward tensor. */
  shapeOf(tensor: string): string;
  /** The forward node's optional output (MaxPool's Indices), added on demand. */
  extraOutput(node: onnx.INodeProto, index: number): string;
  /** The same optional output of the node's copy in the reference pass (DeepLIFT). */
  referenceExtraOutput(node: onnx.INodeProto, index: number): string;
  /**
   * g · f'(x) for an elementwise nonlinearity y = f(x): under DeepLIFT the
   * local derivative is replaced by the multiplier Δy/Δx (falling back to
   * f'(x) where Δx ≈ 0).
   */
  nonlinearity(x: string, y: string, g: string, localDerivative: () => string): string;
  /** Throws the UnsupportedOpError for this node, with a detail. */
  unsupported(detail?: string): never;
}

/** Gradients of the node's outputs (undefined where no gradient flows) and which inputs need one. */
export type BackwardRule = (
  c: RuleContext,
  node: onnx.INodeProto,
  gradOutputs: (string | undefined)[],
  needs: boolean[],
) => (string | undefined)[];

/**
 * Sums g (with dims gDims) over the axes that broadcasting expanded, so the
 * result has the shape of `input` (numpy broadcasting, as ONNX's Add/Mul/…).
 */
export function unbroadcast(c: RuleContext, g: string, gDims: number[], input: string): string {
  const inDims = c.dims(input);
  const lead = gDims.length - inDims.length;
  const axes: number[] = [];
  for (let i = 0; i < gDims.length; i++) {
    if (i < lead) axes.push(i);
    else if (inDims[i - lead] === 1 && gDims[i] !== 1) axes.push(i);
  }
  if (axes.length === 0) return g;
  const summed = c.e.op('ReduceSum', [g, c.e.int64s(axes)], { keepdims: 1 });
  return c.e.op('Reshape', [summed, c.shapeOf(input)]);
}

/** ReduceSum over `axes`, keeping them (ReduceSum takes its axes as an input at every opset the builder emits). */
export function sumOver(c: RuleContext, x: string, axes: number[]): string {
  return c.e.op('ReduceSum', [x, c.e.int64s(axes)], { keepdims: 1 });
}

/** ReduceMax over `axes`, keeping them, in the form the backward model's opset wants. */
export function maxOver(c: RuleContext, x: string, axes: number[]): string {
  return c.opset >= 18
    ? c.e.op('ReduceMax', [x, c.e.int64s(axes)], { keepdims: 1 })
    : c.e.op('ReduceMax', [x], { axes, keepdims: 1 });
}

export function hasBatch(dims: number[]): boolean {
  return dims.includes(BATCH);
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/**
 * The factor a bilinear op (Mul, MatMul) takes from its other operand: the
 * operand itself, or under DeepLIFT the mean of its two passes, which splits
 * Δ(ab) = ½(b + b₀)·Δa + ½(a + a₀)·Δb exactly.
 */
export function operandFactor(c: RuleContext, tensor: string): string {
  if (c.rule === 'gradient' || !c.variable(tensor)) return tensor;
  return c.e.op('Mul', [c.e.op('Add', [tensor, c.reference(tensor)]), c.e.scalar(0.5)]);
}
