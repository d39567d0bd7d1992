/**
 * Softmax and LogSoftmax along one axis.
 *
 * Softmax under DeepLIFT (attention inside a transformer) is differentiated as
 * its decomposition y = e/S with e = exp(x − m), S = Σ e: the Rescale rule at
 * the exponential (Δe/Δx), the sum passes multipliers through, and the exact
 * split of a quotient at e/S (m_e = ½(1/S + 1/S₀)·g − ½Σ g·(e + e₀)/(S·S₀)).
 * The shift m = max(x, x₀) along the axis is one constant for both passes, so
 * Δ(x − m) = Δx and the result does not depend on it (it only keeps exp in
 * range). Each step is exact in Δ, so the multipliers sum to delta; at x₀ → x
 * they are the gradient. RevealCancel has no rule for it.
 */
import { attrInt } from '../emitter';
import { maxOver, normalizeAxis, sumOver, type BackwardRule, type RuleContext } from '../ruleContext';
import { safeRatio } from '../sweep';

/** y = softmax(x) along one axis: dx = y ⊙ (g − Σ g⊙y). */
const softmax: BackwardRule = (c, node, [g]) => {
  const y = node.output![0];
  const axis = normalizeAxis(attrInt(node, 'axis', -1), c.dims(y).length);
  if (c.rule !== 'gradient') return [deepLiftSoftmax(c, node.input![0], g!, axis)];
  const e = c.e;
  const dot = sumOver(c, e.op('Mul', [g!, y]), [axis]);
  return [e.op('Mul', [y, e.op('Sub', [g!, dot])])];
};

function deepLiftSoftmax(c: RuleContext, x: string, g: string, axis: number): string {
  const e = c.e;
  const x0 = c.reference(x);
  const shift = maxOver(c, e.op('Max', [x, x0]), [axis]);
  const exp = e.op('Exp', [e.op('Sub', [x, shift])]);
  const exp0 = e.op('Exp', [e.op('Sub', [x0, shift])]);
  const total = sumOver(c, exp, [axis]);
  const total0 = sumOver(c, exp0, [axis]);
  const half = (t: string) => e.op('Mul', [t, e.scalar(0.5)]);
  const viaNumerator = e.op('Mul', [
    g,
    half(e.op('Add', [e.op('Reciprocal', [total]), e.op('Reciprocal', [total0])])),
  ]);
  const viaTotal = e.op('Div', [
    sumOver(c, e.op('Mul', [g, half(e.op('Add', [exp, exp0]))]), [axis]),
    e.op('Mul', [total, total0]),
  ]);
  const mExp = e.op('Sub', [viaNumerator, viaTotal]);
  return e.op('Mul', [mExp, safeRatio(e, e.op('Sub', [exp, exp0]), e.op('Sub', [x, x0]), () => exp)]);
}

/** y = log softmax(x): dx = g − softmax(x) · Σ g. */
const logSoftmax: BackwardRule = (c, node, [g]) => {
  if (c.rule !== 'gradient')
    return c.unsupported('DeepLIFT has no rule for a log-softmax inside the network');
  const y = node.output![0];
  const axis = normalizeAxis(attrInt(node, 'axis', -1), c.dims(y).length);
  const e = c.e;
  const total = sumOver(c, g!, [axis]);
  return [e.op('Sub', [g!, e.op('Mul', [e.op('Exp', [y]), total])])];
};

export const SOFTMAX_RULES: Record<string, BackwardRule> = {
  Softmax: softmax,
  LogSoftmax: logSoftmax,
};
