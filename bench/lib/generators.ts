/** Seeded random helpers for generated bench inputs, on the engine's one PRNG (src/engine/random.ts). */
export { seededRandom, shuffleInPlace } from '../../src/engine/random';

export type Rand = () => number;

/** One item of `xs`, uniformly. */
export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/** An integer in [lo, hi]. */
export const intIn = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
