/**
 * Company sizes spread like a real customer base, for fleet benchmarks: a couple of very large
 * companies, a band of mid-sized ones and a long tail of small ones (2 × 20,000, 20 × 2,000, the
 * rest 20–300 by default, about 400,000 people for 2,000 companies). Seeded, so runs compare.
 */
import { createRng } from "./prng.js";

export interface FleetMixOptions {
  /** Total companies; default 2,000. */
  companies?: number;
  /** Drives the small companies' sizes, the order and the companies' seeds; default 1. */
  seed?: number;
  large?: { count: number; employees: number };
  medium?: { count: number; employees: number };
  small?: { min: number; max: number };
}

export function fleetMix(opts: FleetMixOptions = {}): Array<{ employees: number; seed: number }> {
  const total = opts.companies ?? 2000;
  const large = opts.large ?? { count: 2, employees: 20_000 };
  const medium = opts.medium ?? { count: 20, employees: 2000 };
  const small = opts.small ?? { min: 20, max: 300 };
  const rng = createRng((opts.seed ?? 1) ^ 0xf1ee7);
  const sizes: number[] = [];
  for (let i = 0; i < large.count && sizes.length < total; i++) sizes.push(large.employees);
  for (let i = 0; i < medium.count && sizes.length < total; i++) sizes.push(medium.employees);
  while (sizes.length < total) sizes.push(rng.int(small.min, small.max));
  // Shuffled so the large companies are not always synced first.
  return rng.shuffle(sizes).map((employees, i) => ({ employees, seed: (opts.seed ?? 1) * 100_000 + i + 1 }));
}
