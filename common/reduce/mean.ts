// The reducer: the exact mean gradient over the global batch. Each worker sends d(mean loss over
// its n_i samples); the global mean is Σ (n_i / N) g_i. Contributions are added in the order
// given, which the engine makes the shards' order in the step: the result then depends neither on
// who answered first nor on who computed a shard (a dead worker's shard recomputed elsewhere, a
// resumed run whose workers came back with other ranks).
import { ProtocolError } from '../errors.js';
import { firstNonFinite } from '../wire/flat.js';

export interface Contribution {
  rank: number;
  count: number;
  gradient: Float32Array;
}

/** Into `out` (reused across steps to spare a 65 MB allocation per step at the seed's size). */
export function reduceMean(parts: readonly Contribution[], size: number, out: Float32Array = new Float32Array(size)): Float32Array {
  if (out.length !== size) throw new Error(`reduce buffer has ${out.length} values, expected ${size}`);
  const total = parts.reduce((a, p) => a + p.count, 0);
  out.fill(0);
  if (total === 0) return out;
  let first = true;
  for (const p of parts) {
    if (p.count === 0) continue;
    if (p.gradient.length !== size) throw new ProtocolError('wrong-length', `gradient from rank ${p.rank} has ${p.gradient.length} values, expected ${size}`);
    const w = p.count / total;
    const g = p.gradient;
    // The first term is written, not added to zero: the same value, one pass less over 65 MB.
    if (first) for (let i = 0; i < size; i++) out[i] = w * g[i]!;
    else for (let i = 0; i < size; i++) out[i] = out[i]! + w * g[i]!;
    first = false;
  }
  return out;
}

/** Throws ProtocolError('non-finite') naming the first bad element. */
export function assertFinite(g: Float32Array, what: string): void {
  const i = firstNonFinite(g);
  if (i >= 0) throw new ProtocolError('non-finite', `${what} has a non-finite value (${g[i]}) at element ${i}`);
}
