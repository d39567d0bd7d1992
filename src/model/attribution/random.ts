/**
 * A small seeded random source, so that every map that draws random numbers
 * (SmoothGrad's noise, DANCE's patch groups, CASO's power-iteration start) is
 * reproducible from `options.seed`. Math.random cannot be seeded.
 *
 * Uniforms come from mulberry32 (Tommy Ettinger's 32-bit generator: one
 * 32-bit state, full period 2³², passes the usual quick batteries; plenty for
 * noise of a few million draws). Normals come from the Box–Muller transform
 * (Box & Muller, "A note on the generation of random normal deviates", 1958),
 * which turns two uniforms into two independent standard normals.
 */
export interface RandomSource {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  integer(n: number): number;
}

/** The seed used when a caller gives none: maps stay reproducible by default. */
export const DEFAULT_SEED = 0x5eed;

export function seededRandom(seed: number = DEFAULT_SEED): RandomSource {
  // Any number (also negative or fractional) maps to a 32-bit state.
  let state = Math.floor(seed) >>> 0;
  let spareNormal: number | undefined;

  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const normal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  const integer = (n: number): number => Math.floor(uniform() * n);

  return { uniform, normal, integer };
}
