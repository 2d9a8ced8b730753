// The sharded exchange's reduction of one chunk: the same mean as mean.ts, Σ (n_p / N) g_p in the
// step's rank order, over [start, end) only, in the kernels' memory (FlatMemory.axpy). The owner of
// a chunk calls it once every rank's part is there, so the sum never depends on arrival order.
import type { FlatMemory } from '../kernels/flat-kernels.js';

export interface ChunkTerm {
  /** Images the part's gradient averages over: its weight in the mean (0: left out). */
  count: number;
  /** The part's values, indexed like the whole vector (decoded when asked for: one buffer serves every peer). */
  values: () => Float32Array;
}

/**
 * Writes the weighted mean of `terms` over [start, end) into `out`, the first term written rather
 * than added to zero. Returns the first non-finite value's term and element, or undefined; the
 * finiteness check rides along with the sum, one pass per part.
 */
export function reduceChunk(
  mem: FlatMemory,
  terms: readonly ChunkTerm[],
  out: Float32Array,
  start: number,
  end: number,
): { term: number; element: number } | undefined {
  const total = terms.reduce((a, t) => a + t.count, 0);
  let first = true;
  let bad: { term: number; element: number } | undefined;
  terms.forEach((t, p) => {
    if (t.count === 0) return;
    const at = mem.axpy(out, t.values(), t.count / total, first, start, end);
    if (at >= 0 && !bad) bad = { term: p, element: at };
    first = false;
  });
  return bad;
}
