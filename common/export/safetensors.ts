// A trained model in formats other programs read: a TensorFlow.js LayersModel (tf.loadLayersModel,
// in a browser or Node) and a safetensors file holding the PyTorch state_dict of the seed's module
// (this file) or of a zoo model's torchvision module (torchvision.ts).
//
// The seed's PyTorch module names its layers conv1..conv3 and fc1..fc3. PyTorch keeps conv weights
// as [out, in, kh, kw] (ours and Keras': [kh, kw, in, out]) and linear weights as [out, in] (ours:
// [in, out]). Its Flatten reads the last feature map in NCHW order, c·H·W + h·W + w, where ours
// reads NHWC, (h·W + w)·C + c; so fc1's columns are permuted, not only transposed.
import { CONV_LAYERS, flattenSize, paramSpecs, type ModelConfig } from '../model/spec.js';

export const EXPORT_FORMATS = ['tfjs', 'safetensors'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface NamedTensor {
  name: string;
  shape: number[];
  /** F32, or I64 (BatchNorm's num_batches_tracked). */
  data: Float32Array | BigInt64Array;
}

/** [kh, kw, in, out] → [out, in, kh, kw]. */
export function convToOihw(w: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh!; y++)
    for (let x = 0; x < kw!; x++)
      for (let i = 0; i < cin!; i++) for (let o = 0; o < cout!; o++) out[((o * cin! + i) * kh! + y) * kw! + x] = w[((y * kw! + x) * cin! + i) * cout! + o]!;
  return out;
}

/** [in, out] → [out, in]; with `hwc`, input row (h·W + w)·C + c becomes column c·H·W + h·W + w. */
function linearToOutIn(w: Float32Array, [fin, fout]: number[], hwc?: { h: number; w: number; c: number }): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < fin!; r++) {
    let col = r;
    if (hwc) {
      const c = r % hwc.c;
      const pos = (r - c) / hwc.c;
      col = c * hwc.h * hwc.w + pos;
    }
    for (let o = 0; o < fout!; o++) out[o * fin! + col] = w[r * fout! + o]!;
  }
  return out;
}

/** The PyTorch state_dict of the seed's module, in its own layouts and names. */
export function torchStateDict(config: ModelConfig, weights: readonly Float32Array[]): NamedTensor[] {
  const specs = paramSpecs(config);
  const lastChannels = CONV_LAYERS[CONV_LAYERS.length - 1]!.out;
  const side = Math.round(Math.sqrt(flattenSize(config) / lastChannels));
  return specs.map((s, i) => {
    const [layer, kind] = s.name.split('/') as [string, string];
    const w = weights[i]!;
    if (kind === 'bias') return { name: `${layer}.bias`, shape: [...s.shape], data: w };
    if (layer.startsWith('conv')) {
      const [kh, kw, cin, cout] = s.shape as [number, number, number, number];
      return { name: `${layer}.weight`, shape: [cout, cin, kh, kw], data: convToOihw(w, s.shape) };
    }
    const [fin, fout] = s.shape as [number, number];
    return {
      name: `${layer}.weight`,
      shape: [fout, fin],
      data: linearToOutIn(w, s.shape, layer === 'fc1' ? { h: side, w: side, c: lastChannels } : undefined),
    };
  });
}

/**
 * The safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range (padded with spaces to 8 bytes), then the little-endian data.
 */
export function toSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string>): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.data instanceof BigInt64Array ? 'I64' : 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, ...tensors.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))]);
}

/** Reads a safetensors file back (F32 and I64): what a reader with nothing but the file does. */
export function fromSafetensors(buf: Buffer): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  if (buf.length < 8) throw new Error('not a safetensors file: shorter than its header length');
  const n = Number(buf.readBigUInt64LE(0));
  if (8 + n > buf.length) throw new Error('not a safetensors file: header runs past the end');
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const body = buf.subarray(8 + n);
  const tensors: NamedTensor[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = v as unknown as Record<string, string>;
      continue;
    }
    if (v.dtype !== 'F32' && v.dtype !== 'I64') throw new Error(`${name}: dtype ${v.dtype}, only F32 and I64 are read`);
    const [a, b] = v.data_offsets;
    // A fresh ArrayBuffer: aligned for either view.
    const bytes = new Uint8Array(body.subarray(a, b));
    const data =
      v.dtype === 'F32' ? new Float32Array(bytes.buffer, bytes.byteOffset, (b - a) / 4) : new BigInt64Array(bytes.buffer, bytes.byteOffset, (b - a) / 8);
    tensors.push({ name, shape: v.shape, data });
  }
  return { tensors, metadata };
}
