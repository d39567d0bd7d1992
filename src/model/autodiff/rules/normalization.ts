/**
 * LayerNormalization (opset 17): y = γ · (x − μ)/σ + β over the axes from
 * `axis` on, σ = √(mean((x − μ)²) + ε), γ and β constant.
 *
 * Gradient: with x̂ = (x − μ)/σ and ĝ = γ·g,
 * dx = (ĝ − mean ĝ − x̂ · mean(ĝ·x̂)) / σ; μ and 1/σ are read off the forward
 * node's optional Mean and InvStdDev outputs.
 *
 * DeepLIFT (Rescale) has no rule for LayerNorm as a whole; it is differentiated
 * as the ops of its ONNX function body, each with its own DeepLIFT rule:
 * centring c = x − μ (linear), v = mean(c·c) (the exact split of a product,
 * c·c → ½(c + c₀)·Δc twice), s = √(v + ε) (Rescale: Δs/Δv), c/s (the exact split
 * of a quotient), then the constant affine γ·, +β. Each rule is exact in Δ, so
 * the composition sums to delta exactly, and at x₀ → x it is the gradient.
 */
import { attrFloat, attrInt } from '../emitter';
import { normalizeAxis, sumOver, type BackwardRule, type RuleContext } from '../ruleContext';
import { safeRatio } from '../sweep';

const layerNormalization: BackwardRule = (c, node, [g], needs) => {
  const [x, scale] = node.input as string[];
  if (needs.slice(1).some(Boolean)) return c.unsupported('input-dependent scale or bias');
  const dims = c.dims(x);
  const first = normalizeAxis(attrInt(node, 'axis', -1), dims.length);
  const axes = dims.map((_, i) => i).filter((i) => i >= first);
  const normalized = axes.map((a) => dims[a]);
  if (normalized.some((d) => d < 0)) return c.unsupported('normalising over the batch axis');
  const count = normalized.reduce((a, b) => a * b, 1);
  const e = c.e;
  const over: Reduction = {
    count,
    sum: (t) => sumOver(c, t, axes),
    mean: (t) => e.op('Div', [sumOver(c, t, axes), e.scalar(count)]),
  };
  const scaled = e.op('Mul', [g!, scale]);
  if (c.rule === 'gradient') {
    const mu = c.extraOutput(node, 1);
    const inverseSigma = c.extraOutput(node, 2);
    const xHat = e.op('Mul', [e.op('Sub', [x, mu]), inverseSigma]);
    const centred = e.op('Sub', [scaled, over.mean(scaled)]);
    const projected = e.op('Mul', [xHat, over.mean(e.op('Mul', [scaled, xHat]))]);
    return [e.op('Mul', [e.op('Sub', [centred, projected]), inverseSigma])];
  }
  return [deepLiftMultiplier(c, x, scaled, over, attrFloat(node, 'epsilon', 1e-5))];
};

interface Reduction {
  /** How many elements each normalised group has. */
  count: number;
  /** Σ over the normalised axes, kept. */
  sum(t: string): string;
  /** The mean over the normalised axes, kept. */
  mean(t: string): string;
}

/** The Rescale-rule multiplier of x for ĝ = γ·g, through LayerNorm's function body (see above). */
function deepLiftMultiplier(
  c: RuleContext,
  x: string,
  scaled: string,
  over: Reduction,
  epsilon: number,
): string {
  const e = c.e;
  const half = (t: string) => e.op('Mul', [t, e.scalar(0.5)]);
  const statistics = (input: string) => {
    const centred = e.op('Sub', [input, over.mean(input)]);
    const variance = over.mean(e.op('Mul', [centred, centred]));
    return { centred, variance, sigma: e.op('Sqrt', [e.op('Add', [variance, e.scalar(epsilon)])]) };
  };
  const now = statistics(x);
  const then = statistics(c.reference(x));
  const centredSum = e.op('Add', [now.centred, then.centred]);
  // c/s: m_c = ĝ·½(1/s + 1/s₀), m_s = −Σ ĝ·½(c + c₀)/(s·s₀).
  const inverseMean = half(e.op('Add', [e.op('Reciprocal', [now.sigma]), e.op('Reciprocal', [then.sigma])]));
  const viaNumerator = e.op('Mul', [scaled, inverseMean]);
  const mSigma = e.op('Neg', [
    e.op('Div', [over.sum(e.op('Mul', [scaled, half(centredSum)])), e.op('Mul', [now.sigma, then.sigma])]),
  ]);
  // s = √(v + ε): Rescale, falling back to 1/(2s) where v barely moved.
  const mVariance = e.op('Mul', [
    mSigma,
    safeRatio(e, e.op('Sub', [now.sigma, then.sigma]), e.op('Sub', [now.variance, then.variance]), () =>
      e.op('Div', [e.scalar(0.5), now.sigma]),
    ),
  ]);
  // v = mean(c·c) with Δ(c·c) = (c + c₀)·Δc: m_c += m_v·(c + c₀)/n.
  const viaVariance = e.op('Mul', [e.op('Div', [mVariance, e.scalar(over.count)]), centredSum]);
  const mCentred = e.op('Add', [viaNumerator, viaVariance]);
  // c = x − μ: m_x = m_c − mean(m_c).
  return e.op('Sub', [mCentred, over.mean(mCentred)]);
}

export const NORMALIZATION_RULES: Record<string, BackwardRule> = {
  LayerNormalization: layerNormalization,
};
