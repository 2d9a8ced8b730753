// Parameters travel as one flat float32 vector in the model's parameter order. The checksum lets
// a replica prove it holds exactly the weights a command names before it computes a step.

/** Into `into` when given (its length must be the total): a buffer reused step after step. */
export function flatten(arrays: readonly Float32Array[], into?: Float32Array): Float32Array {
  const total = arrays.reduce((a, x) => a + x.length, 0);
  if (into && into.length !== total) throw new Error(`flatten target has ${into.length} values, expected ${total}`);
  const out = into ?? new Float32Array(total);
  let off = 0;
  for (const a of arrays) {
    out.set(a, off);
    off += a.length;
  }
  return out;
}

/** Views into `flat`, one per parameter size, in order. */
export function unflatten(flat: Float32Array, sizes: readonly number[]): Float32Array[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== flat.length) throw new Error(`flat tensor has ${flat.length} values, expected ${total}`);
  const out: Float32Array[] = [];
  let off = 0;
  for (const n of sizes) {
    out.push(flat.subarray(off, off + n));
    off += n;
  }
  return out;
}

/** FNV-1a's prime, and the four lanes' starting states (the first is FNV-1a's offset basis). */
export const FNV_PRIME = 0x01000193;
export const CHECKSUM_LANES: readonly number[] = [0x811c9dc5, 0x050c5d1f, 0x1b2c3d4f, 0x2d4f6a81];

/**
 * FNV-1a over the raw 32-bit words, in four lanes of interleaved words folded at the end:
 * bit-exact and order-sensitive. One lane waits on its own multiply (4 cycles a word); four
 * overlap, 7 ms instead of 18 ms for 16 M floats here, which every sharded replica pays each step
 * (the replicas run the lanes in wasm, flat.wat's fnv4, and finish with checksumFold).
 */
export function checksum(flat: Float32Array): number {
  const w = new Uint32Array(flat.buffer, flat.byteOffset, flat.length);
  const lanes = [...CHECKSUM_LANES];
  fnvQuads(lanes, w, 0, w.length >>> 2);
  return checksumFold(lanes, w);
}

/** checksum()'s lanes over `quads` groups of four words of w from word `from` (a multiple of 4). */
export function fnvQuads(lanes: number[], w: Uint32Array, from: number, quads: number): void {
  const F = FNV_PRIME;
  let [a, b, c, d] = lanes as [number, number, number, number];
  const end = from + 4 * quads;
  for (let i = from; i < end; i += 4) {
    a = Math.imul(a ^ w[i]!, F);
    b = Math.imul(b ^ w[i + 1]!, F);
    c = Math.imul(c ^ w[i + 2]!, F);
    d = Math.imul(d ^ w[i + 3]!, F);
  }
  lanes[0] = a;
  lanes[1] = b;
  lanes[2] = c;
  lanes[3] = d;
}

/** The end of checksum(): the lanes after every whole group of four words of w, the odd tail, the fold. */
export function checksumFold(lanes: ArrayLike<number>, w: Uint32Array): number {
  const F = FNV_PRIME;
  const n = w.length;
  let a = lanes[0]!;
  for (let i = n - (n & 3); i < n; i++) a = Math.imul(a ^ w[i]!, F);
  let h = Math.imul(CHECKSUM_LANES[0]! ^ a, F);
  h = Math.imul(h ^ lanes[1]!, F);
  h = Math.imul(h ^ lanes[2]!, F);
  h = Math.imul(h ^ lanes[3]!, F);
  return Math.imul(h ^ n, F) >>> 0;
}

/** Index of the first NaN or ±Inf, or -1. */
export function firstNonFinite(flat: Float32Array): number {
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    // v - v is NaN exactly when v is NaN or infinite.
    if (v - v !== 0) return i;
  }
  return -1;
}
