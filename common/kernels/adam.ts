// Adam's elementwise update over flat vectors, as arithmetic: the coefficients come from the
// optimizer (common/optim/adam.ts), which knows the hyper-parameters and the step number. This JS
// loop and the wasm kernel (flat.wat, FlatMemory.adam) compute the same bits, so every holder of
// weights (the coordinator's master, each replica of the sharded exchange) agrees by checksum.
// Every operation is IEEE double arithmetic rounded to float32 on store.

/** Weights and Adam's two moments of one flat vector (views of equal length). */
export interface AdamVectors {
  w: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** One step's constants: w -= stepSize · m / (sqrt(v) · ic2 + eps), m and v decayed by beta1 and beta2. */
export interface AdamCoefficients {
  /** learning rate / (1 − beta1^t) */
  stepSize: number;
  /** 1 / sqrt(1 − beta2^t) */
  ic2: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * One Adam update on [start, end) from the gradient g: reads `from`, writes `to` (which may be
 * `from` itself, or another buffer, as a replica that keeps its previous version does).
 */
export function adamLoop(c: AdamCoefficients, from: AdamVectors, g: Float32Array, to: AdamVectors, start: number, end: number): void {
  const { stepSize, ic2, beta1: b1, beta2: b2, eps } = c;
  const k1 = 1 - b1;
  const k2 = 1 - b2;
  const { w, m, v } = from;
  const { w: wOut, m: mOut, v: vOut } = to;
  for (let i = start; i < end; i++) {
    const gi = g[i]!;
    // The moments rounded to float32 as they are stored, and the update uses them so: what a
    // store and a read-back would give, 20% faster at 16 M elements (85 against 103 ms).
    const mi = Math.fround(b1 * m[i]! + k1 * gi);
    const vi = Math.fround(b2 * v[i]! + k2 * gi * gi);
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = w[i]! - (stepSize * mi) / (Math.sqrt(vi) * ic2 + eps);
  }
}
