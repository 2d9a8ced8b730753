// The reducer: the exact mean gradient over the global batch. Each worker sends d(mean loss over
// its n_i samples); the global mean is Σ (n_i / N) g_i. Contributions are added in rank order so
// the result does not depend on which worker answered first.
import { ProtocolError } from '../common/errors.js';
import { firstNonFinite } from '../common/wire/flat.js';

export interface Contribution {
  rank: number;
  count: number;
  gradient: Float32Array;
}

export function reduceMean(parts: readonly Contribution[], size: number): Float32Array {
  const total = parts.reduce((a, p) => a + p.count, 0);
  const out = new Float32Array(size);
  if (total === 0) return out;
  for (const p of [...parts].sort((a, b) => a.rank - b.rank)) {
    if (p.count === 0) continue;
    if (p.gradient.length !== size) throw new ProtocolError('wrong-length', `gradient from rank ${p.rank} has ${p.gradient.length} values, expected ${size}`);
    const w = p.count / total;
    const g = p.gradient;
    for (let i = 0; i < size; i++) out[i]! += w * g[i]!;
  }
  return out;
}

/** Throws ProtocolError('non-finite') naming the first bad element. */
export function assertFinite(g: Float32Array, what: string): void {
  const i = firstNonFinite(g);
  if (i >= 0) throw new ProtocolError('non-finite', `${what} has a non-finite value (${g[i]}) at element ${i}`);
}
