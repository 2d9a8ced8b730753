// The one seam the benchmarks have in a worker: a job whose spec asks for synthetic gradients
// (JobSpec.synthetic_gradients, set only by `syncgrad bench exchange`) gets this fixed vector
// instead of a model's gradient, so the exchange is measured with no compute in the way.

/** Small, finite, non-constant values (so checksums and reductions do real work), the same every step for a rank. */
export function syntheticGradient(rank: number, into: Float32Array): Float32Array {
  let h = (rank + 1) * 0x9e3779b9;
  for (let i = 0; i < into.length; i++) {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    into[i] = (h / 4294967296 - 0.5) * 1e-3;
  }
  return into;
}
