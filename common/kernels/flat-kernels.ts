// Flat vectors that live in one wasm memory, and the two kernels the sharded exchange runs over
// them on every replica each step: Adam's update and the reducer's weighted sum (flat.wat). At
// the seed's 16.2 M parameters Adam took 42 ms against the JS loop's 109–140 ms here, with
// bit-identical results; the exchange is CPU-bound on the client side, so this is its largest
// single cost after the transport. Vectors not allocated here, or a memory too large for wasm32,
// take the JS loops, which compute the same bits.
import { adamLoop, type AdamCoefficients, type AdamVectors } from './adam.js';
import { Codec } from '../wire/messages.js';
import type { TensorCodec } from '../wire/codec.js';
import { checksumFold, CHECKSUM_LANES, FNV_PRIME, fnvQuads } from '../wire/flat.js';
import { FLAT_WASM } from './flat-wasm.js';

const PAGE = 65536;
/** fnv4's lane state: four 32-bit lanes, after the staging area at a 16-byte boundary. */
const LANES_BYTES = 16;
/** wasm32 addresses 4 GiB; V8 grants a memory up to that, but a failed grant must not stop training. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024 - PAGE;

/** checksum(x) in pieces: see FlatMemory.checksumCursor. */
export interface ChecksumCursor {
  /** Hashes x up to element `end` (the elements before it must not change any more). */
  advance(end: number): void;
  /** Hashes the rest and returns checksum(x). */
  finish(): number;
}

interface FlatExports {
  adam(
    w: number,
    m: number,
    v: number,
    g: number,
    wo: number,
    mo: number,
    vo: number,
    n: number,
    ss: number,
    ic2: number,
    b1: number,
    k1: number,
    b2: number,
    k2: number,
    eps: number,
  ): void;
  axpy(out: number, x: number, n: number, k: number, first: number): number;
  fnv4(p: number, quads: number, state: number): void;
  bf16_encode(src: number, dst: number, n: number): void;
  bf16_decode(src: number, dst: number, n: number): void;
}

/** The part of the WebAssembly global this file uses (the project's lib has no DOM types, and @types/node 20 none for it). */
interface Wasm {
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

let compiled: object | undefined;

export class FlatMemory {
  private readonly memory?: { buffer: ArrayBuffer };
  private readonly k?: FlatExports;
  private used = 0;
  /** Bytes after the vectors where wire chunks are encoded to, and copied in to be decoded. */
  private stage?: Uint8Array;
  /** The checksum's four lanes, where fnv4 reads and writes them. */
  private lanes?: Uint32Array;

  /** Room for `floats` float32 values in all, handed out by alloc(), and a staging area of `stageBytes` (one chunk). */
  constructor(
    readonly floats: number,
    stageBytes = 0,
  ) {
    const lanesAt = floats * 4 + Math.ceil(stageBytes / LANES_BYTES) * LANES_BYTES;
    const bytes = lanesAt + LANES_BYTES;
    if (bytes > MAX_BYTES) return;
    try {
      // Sized once and never grown: growing would detach every view handed out.
      this.memory = new WA.Memory({ initial: Math.ceil(bytes / PAGE) || 1, maximum: Math.ceil(bytes / PAGE) || 1 });
      compiled ??= new WA.Module(Buffer.from(FLAT_WASM, 'base64'));
      this.k = new WA.Instance(compiled, { env: { memory: this.memory } }).exports as FlatExports;
      this.stage = new Uint8Array(this.memory.buffer, floats * 4, stageBytes);
      this.lanes = new Uint32Array(this.memory.buffer, lanesAt, LANES_BYTES / 4);
    } catch {
      this.memory = undefined;
      this.k = undefined;
    }
  }

  /** Whether the wasm kernels run (else the JS loops do). */
  get accelerated(): boolean {
    return this.k !== undefined;
  }

  /** A zeroed vector of n floats in this memory (a plain array when the kernels are off). */
  alloc(n: number): Float32Array {
    if (!this.memory) return new Float32Array(n);
    if (this.used + n > this.floats) throw new Error(`FlatMemory of ${this.floats} floats has no room for ${n} more`);
    const view = new Float32Array(this.memory.buffer, this.used * 4, n);
    this.used += n;
    return view;
  }

  private mine(...xs: Float32Array[]): boolean {
    const buf = this.memory?.buffer;
    return buf !== undefined && xs.every((x) => x.buffer === buf);
  }

  /** adamLoop(c, from, g, to, start, end), in wasm when every vector is in this memory. */
  adam(c: AdamCoefficients, from: AdamVectors, g: Float32Array, to: AdamVectors, start: number, end: number): void {
    if (!this.k || !this.mine(from.w, from.m, from.v, g, to.w, to.m, to.v)) return adamLoop(c, from, g, to, start, end);
    const at = (x: Float32Array) => x.byteOffset + start * 4;
    this.k.adam(
      at(from.w),
      at(from.m),
      at(from.v),
      at(g),
      at(to.w),
      at(to.m),
      at(to.v),
      end - start,
      c.stepSize,
      c.ic2,
      c.beta1,
      1 - c.beta1,
      c.beta2,
      1 - c.beta2,
      c.eps,
    );
  }

  /** checksum(x) (common/wire/flat.ts), its lanes in wasm when x is in this memory: 11–13 ms at 16.2 M floats against the JS loop's 22–29 here. */
  checksum(x: Float32Array): number {
    return this.checksumCursor(x).finish();
  }

  /**
   * checksum(x), taken as x becomes final from the front: advance(end) hashes the words before
   * `end`, finish() the rest. The sharded exchange hashes each chunk of the new weights once it
   * and every chunk before it hold Adam's result, while the transfer still runs, instead of all
   * 16.2 M words after the last chunk (11–13 ms on the step's critical path here).
   */
  checksumCursor(x: Float32Array): ChecksumCursor {
    const w = new Uint32Array(x.buffer, x.byteOffset, x.length);
    // The words after the last whole group of four go to checksumFold, in lane 0, as checksum() has them.
    const whole = w.length - (w.length & 3);
    const lanes = [...CHECKSUM_LANES];
    const k = this.mine(x) ? this.k : undefined;
    const state = this.lanes;
    let pos = 0;
    const word = () => {
      const j = pos & 3;
      lanes[j] = Math.imul(lanes[j]! ^ w[pos++]!, FNV_PRIME);
    };
    const advance = (end: number): void => {
      end = Math.min(end, whole);
      while (pos < end && (pos & 3) !== 0) word();
      const quads = (end - pos) >>> 2;
      if (quads > 0 && k && state) {
        state.set(lanes);
        k.fnv4(x.byteOffset + 4 * pos, quads, state.byteOffset);
        for (let j = 0; j < 4; j++) lanes[j] = state[j]!;
      } else if (quads > 0) fnvQuads(lanes, w, pos, quads);
      pos += 4 * quads;
      while (pos < end) word();
    };
    return {
      advance,
      finish: () => {
        advance(whole);
        return checksumFold(lanes, w);
      },
    };
  }

  /**
   * codec.encode(src, start, end). bf16 runs in wasm when src is in this memory, into the staging
   * area: the bytes are valid until the next encode or decode, which is enough to wrap them in a message.
   */
  encode(codec: TensorCodec, src: Float32Array, start: number, end: number): Uint8Array {
    const stage = this.stage;
    const n = end - start;
    if (codec.codec !== Codec.BF16 || !this.k || !stage || 2 * n > stage.length || !this.mine(src)) return codec.encode(src, start, end);
    this.k.bf16_encode(src.byteOffset + 4 * start, stage.byteOffset, n);
    return stage.subarray(0, 2 * n);
  }

  /** codec.decode(bytes, dst, offset); bf16 in wasm when dst is in this memory. */
  decode(codec: TensorCodec, bytes: Uint8Array, dst: Float32Array, offset: number): void {
    const stage = this.stage;
    if (codec.codec !== Codec.BF16 || !this.k || !stage || bytes.length > stage.length || !this.mine(dst)) return codec.decode(bytes, dst, offset);
    stage.set(bytes);
    this.k.bf16_decode(stage.byteOffset, dst.byteOffset + 4 * offset, bytes.length / 2);
  }

  /**
   * out[i] = k·x[i] (first) or out[i] + k·x[i] over [start, end), rounded to float32 as stored;
   * returns the first index whose x is NaN or ±Inf, or -1.
   */
  axpy(out: Float32Array, x: Float32Array, k: number, first: boolean, start: number, end: number): number {
    if (this.k && this.mine(out, x)) {
      if (this.k.axpy(out.byteOffset + start * 4, x.byteOffset + start * 4, end - start, k, first ? 1 : 0) === 0) return -1;
      for (let i = start; i < end; i++) if (x[i]! - x[i]! !== 0) return i;
      return -1;
    }
    let bad = -1;
    for (let i = start; i < end; i++) {
      const xi = x[i]!;
      if (xi - xi !== 0 && bad < 0) bad = i;
      out[i] = first ? k * xi : out[i]! + k * xi;
    }
    return bad;
  }
}
