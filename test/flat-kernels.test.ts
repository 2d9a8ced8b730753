// The sharded exchange's wasm kernels (common/kernels/flat.wat) against the JS loops they replace:
// every replica and the coordinator must compute the same bits, so equality here is bitwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlatMemory } from '../common/kernels/flat-kernels.js';
import { adamLoop } from '../common/kernels/adam.js';
import { adamCoefficients } from '../common/optim/adam.js';
import { CODECS } from '../common/wire/codec.js';
import { checksum, CHECKSUM_LANES, FNV_PRIME } from '../common/wire/flat.js';
import { Rng } from '../common/rng.js';

function fill(xs: Float32Array[], seed: number): void {
  let h = seed;
  const rnd = () => (h = (Math.imul(h, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5;
  for (const x of xs) for (let i = 0; i < x.length; i++) x[i] = rnd() * (i % 7 === 0 ? 1e-20 : i % 5 === 0 ? 10 : 1e-2);
}

const bits = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

test('kernels - wasm Adam equals the JS update bit for bit, on an odd range inside the vectors, zero moments and large gradients included', () => {
  const n = 100_001;
  // [3, n − 3): unaligned at both ends, and 3 elements after the last group of four.
  const [start, end] = [3, n - 3];
  const mem = new FlatMemory(7 * n);
  assert.ok(mem.accelerated, 'wasm with SIMD runs on this Node');
  const [w, m, v, g, wo, mo, vo] = Array.from({ length: 7 }, () => mem.alloc(n));
  fill([w!, m!, g!], 7);
  for (let i = 0; i < n; i++) v![i] = Math.abs(m![i]!) * 1e-3;
  m!.fill(0, 0, 100);
  v!.fill(0, 0, 100);
  g![3] = 3e38;
  g![n - 4] = -3e38;
  const js = { w: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
  for (const t of [1, 2, 1000]) {
    adamLoop(adamCoefficients(1e-5, t), { w: w!, m: m!, v: v! }, g!, js, start, end);
    mem.adam(adamCoefficients(1e-5, t), { w: w!, m: m!, v: v! }, g!, { w: wo!, m: mo!, v: vo! }, start, end);
    for (const [a, b, what] of [
      [js.w, wo!, 'w'],
      [js.m, mo!, 'm'],
      [js.v, vo!, 'v'],
    ] as const)
      assert.ok(bits(a.subarray(start, end)).equals(bits(b.subarray(start, end))), `${what} at step ${t}`);
    // Nothing outside the range is written.
    assert.equal(wo![start - 1], 0);
    assert.equal(wo![end], 0);
  }
});

test('kernels - Adam is float32 arithmetic, as torch.optim.Adam: each element equals the float32 formula where the double one rounds differently', () => {
  const f = Math.fround;
  const c = adamCoefficients(1e-3, 3);
  const [ss, ic2, b1, b2, eps] = [f(c.stepSize), f(c.ic2), f(c.beta1), f(c.beta2), f(c.eps)];
  const [k1, k2] = [f(1 - c.beta1), f(1 - c.beta2)];
  const single = (w: number, m: number, v: number, g: number): number[] => {
    const m1 = f(f(b1 * m) + f(k1 * g));
    const v1 = f(f(b2 * v) + f(f(k2 * g) * g));
    return [f(w - f(f(ss * m1) / f(f(f(Math.sqrt(v1)) * ic2) + eps))), m1, v1];
  };
  const double = (w: number, m: number, v: number, g: number): number[] => {
    const m1 = c.beta1 * m + (1 - c.beta1) * g;
    const v1 = c.beta2 * v + (1 - c.beta2) * g * g;
    return [f(w - (c.stepSize * m1) / (Math.sqrt(v1) * c.ic2 + c.eps)), f(m1), f(v1)];
  };
  // Inputs where the two forms give different weights: the test can tell them apart.
  const rng = new Rng(3);
  const cases: number[][] = [];
  while (cases.length < 64) {
    const x = [f(rng.next() - 0.5), f((rng.next() - 0.5) * 1e-2), f(rng.next() * 1e-4), f((rng.next() - 0.5) * 0.1)];
    if (single(x[0]!, x[1]!, x[2]!, x[3]!)[0] !== double(x[0]!, x[1]!, x[2]!, x[3]!)[0]) cases.push(x);
  }
  const n = cases.length;
  const mem = new FlatMemory(4 * n);
  const [w, m, v, g] = Array.from({ length: 4 }, () => mem.alloc(n));
  cases.forEach((x, i) => [w, m, v, g].forEach((a, j) => (a![i] = x[j]!)));
  mem.adam(c, { w: w!, m: m!, v: v! }, g!, { w: w!, m: m!, v: v! }, 0, n);
  cases.forEach((x, i) => assert.deepEqual([w![i], m![i], v![i]], single(x[0]!, x[1]!, x[2]!, x[3]!), `case ${i}`));
});

test('kernels - wasm weighted sum equals the reducer loop bit for bit and finds the first non-finite value', () => {
  const n = 65_537;
  const mem = new FlatMemory(3 * n);
  const [a, b, out] = [mem.alloc(n), mem.alloc(n), mem.alloc(n)];
  fill([a, b], 3);
  const ref = new Float32Array(n);
  for (let i = 0; i < n; i++) ref[i] = (1 / 3) * a[i]!;
  for (let i = 0; i < n; i++) ref[i] = ref[i]! + (2 / 3) * b[i]!;
  assert.equal(mem.axpy(out, a, 1 / 3, true, 0, n), -1);
  assert.equal(mem.axpy(out, b, 2 / 3, false, 0, n), -1);
  assert.ok(bits(ref).equals(bits(out)));
  b[40_000] = Number.NaN;
  b[50_000] = Number.POSITIVE_INFINITY;
  assert.equal(mem.axpy(out, b, 1, false, 0, n), 40_000);
  assert.equal(mem.axpy(out, b, 1, false, 45_000, n), 50_000);
  b[n - 1] = Number.NEGATIVE_INFINITY;
  assert.equal(mem.axpy(out, b, 1, true, 60_000, n), n - 1, 'the odd last element too');
  // A vector from elsewhere takes the JS loop, with the same answer.
  assert.equal(mem.axpy(new Float32Array(n), b, 1, true, 0, n), 40_000);
});

test('kernels - wasm bf16 encode and decode equal the wire codec byte for byte, NaN, infinities, ties and an odd tail included', () => {
  const n = 4099;
  const mem = new FlatMemory(2 * n, 2 * n);
  const [src, dst] = [mem.alloc(n), mem.alloc(n)];
  fill([src], 11);
  const u = new Uint32Array(src.buffer, src.byteOffset, n);
  u[1] = 0x7fc00001; // a NaN whose payload rounding would make it infinite
  u[2] = 0x3f808000; // a tie, rounded to even (down)
  u[3] = 0x3f818000; // a tie, rounded to even (up)
  u[4] = 0x7f7fffff; // the largest float, which rounds to +Inf
  src[5] = Number.NEGATIVE_INFINITY;
  u[n - 1] = 0x3f818000;
  const wire = CODECS.bf16;
  const ours = mem.encode(wire, src, 1, n);
  const ref = wire.encode(src, 1, n);
  assert.ok(Buffer.from(ours).equals(Buffer.from(ref)), 'encoded bytes');
  const back = new Float32Array(n);
  wire.decode(ref, back, 1);
  mem.decode(wire, ref, dst, 1);
  assert.ok(bits(back.subarray(1)).equals(bits(dst.subarray(1))), 'decoded floats');
  assert.ok(Number.isNaN(dst[1]!) && dst[4] === Number.POSITIVE_INFINITY && dst[5] === Number.NEGATIVE_INFINITY);
});

test('kernels - wasm checksum equals the JS checksum on every tail length and offset, and sees a one-bit change', () => {
  const mem = new FlatMemory(20_000, 6);
  const all = mem.alloc(20_000);
  fill([all], 5);
  for (const [at, n] of [
    [0, 0],
    [1, 1],
    [2, 3],
    [3, 4],
    [5, 5],
    [7, 6],
    [0, 20_000],
    [1, 19_999],
    [13, 10_007],
  ] as const) {
    const x = all.subarray(at, at + n);
    assert.equal(mem.checksum(x), checksum(x), `${n} floats at ${at}`);
  }
  const x = all.subarray(1, 10_002);
  const before = mem.checksum(x);
  const u = new Uint32Array(x.buffer, x.byteOffset, x.length);
  u[9_000] = u[9_000]! ^ 1;
  assert.notEqual(mem.checksum(x), before, 'one flipped bit');
  assert.equal(mem.checksum(x), checksum(x));
  // A vector from elsewhere takes the JS loop.
  const plain = Float32Array.from(x);
  assert.equal(mem.checksum(plain), checksum(x));
});

/** checksum() as its definition reads, one word at a time: word i < 4⌊n/4⌋ into lane i mod 4, the rest into lane 0, then the fold. */
function naiveChecksum(x: Float32Array): number {
  const w = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const lanes = [...CHECKSUM_LANES];
  const whole = w.length - (w.length % 4);
  for (let i = 0; i < w.length; i++) {
    const j = i < whole ? i % 4 : 0;
    lanes[j] = Math.imul(lanes[j]! ^ w[i]!, FNV_PRIME);
  }
  let h = CHECKSUM_LANES[0]!;
  for (const l of lanes) h = Math.imul(h ^ l, FNV_PRIME);
  return Math.imul(h ^ w.length, FNV_PRIME) >>> 0;
}

test('kernels - the checksum taken chunk by chunk, at any cut, equals the one of the whole vector', () => {
  const mem = new FlatMemory(30_000, 0);
  const all = mem.alloc(30_000);
  fill([all], 9);
  const rng = new Rng(3);
  for (const [at, n] of [
    [0, 0],
    [1, 3],
    [2, 7],
    [0, 30_000],
    [3, 29_997],
    [5, 10_001],
  ] as const) {
    const x = all.subarray(at, at + n);
    const want = naiveChecksum(x);
    assert.equal(checksum(x), want, `JS checksum of ${n} floats at ${at}`);
    for (const v of [x, Float32Array.from(x)]) {
      const where = v === x ? 'in wasm memory' : 'a plain array';
      const c = mem.checksumCursor(v);
      // Cuts at random points, some off the four-word grouping, some repeated, one past the end.
      let end = 0;
      while (end < n) {
        end = Math.min(n + 5, end + rng.int(1 + (rng.int(3) === 0 ? 4000 : 5)));
        c.advance(end);
        if (rng.int(4) === 0) c.advance(end);
      }
      assert.equal(c.finish(), want, `${n} floats at ${at}, ${where}`);
      assert.equal(mem.checksumCursor(v).finish(), want, `no cuts, ${where}`);
    }
  }
});
