// Adam's elementwise update over flat vectors, as arithmetic: the coefficients come from the
// optimizer (common/optim/adam.ts), which knows the hyper-parameters and the step number. This JS
// loop and the wasm kernel (flat.wat, FlatMemory.adam) compute the same bits, so every holder of
// weights (one process's optimizer, the coordinator's master, each replica of the sharded
// exchange) agrees by checksum. Every operation is float32 arithmetic, as torch.optim.Adam's: the
// double result of each rounded with Math.fround, which is exactly the float32 operation.

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
  const f = Math.fround;
  const [ss, ic2, b1, b2, eps] = [f(c.stepSize), f(c.ic2), f(c.beta1), f(c.beta2), f(c.eps)];
  const k1 = f(1 - c.beta1);
  const k2 = f(1 - c.beta2);
  const { w, m, v } = from;
  const { w: wOut, m: mOut, v: vOut } = to;
  for (let i = start; i < end; i++) {
    const gi = g[i]!;
    const mi = f(f(b1 * m[i]!) + f(k1 * gi));
    const vi = f(f(b2 * v[i]!) + f(f(k2 * gi) * gi));
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = w[i]! - f(f(ss * mi) / f(f(f(Math.sqrt(vi)) * ic2) + eps));
  }
}
