// Analytic FLOP counts for the seed CNN, so benchmark rows can say how close a backend gets to the
// machine's arithmetic peak. Convention (the usual one for CNN papers and PyTorch profilers):
// one multiply-accumulate = 2 FLOPs; only convolutions and dense layers count (bias, relu, pooling
// and softmax are a rounding error next to them); training = 3 × forward (the forward pass, the
// gradient with respect to the activations, and the gradient with respect to the weights).
import { CONV_LAYERS, validateModelConfig, type ModelConfig } from '../common/model/spec.js';

const KERNEL = 3;
const HIDDEN = [256, 128];

export interface LayerFlops {
  name: string;
  /** Multiply-accumulates per image in the forward pass. */
  macs: number;
}

/** Per-layer forward MACs per image, in layer order. */
export function layerMacs(config: ModelConfig): LayerFlops[] {
  const c = validateModelConfig(config);
  if (c.layers) return layersMacs(c);
  const out: LayerFlops[] = [];
  let s = c.imageSize;
  let ch: number = c.channels;
  for (const conv of CONV_LAYERS) {
    if (conv.pad === 'valid') s -= KERNEL - 1;
    out.push({ name: conv.name, macs: s * s * conv.out * KERNEL * KERNEL * ch });
    ch = conv.out;
    s = Math.floor(s / 2);
  }
  let features = s * s * ch;
  [...HIDDEN, c.classes].forEach((width, i) => {
    out.push({ name: `fc${i + 1}`, macs: features * width });
    features = width;
  });
  return out;
}

/**
 * A tfjs-layers network's convolutions and dense layers, from its description: a conv kernel
 * [kh, kw, in, out] costs kh·kw·in·out per output pixel, a depthwise one [kh, kw, C, 1] kh·kw·C,
 * a dense kernel [in, out] in·out.
 */
function layersMacs(c: ModelConfig): LayerFlops[] {
  const arch = c.layers!;
  const byLayer = new Map(arch.layers.map((l) => [l.name, l]));
  const out: LayerFlops[] = [];
  for (const p of arch.params) {
    const slash = p.name.lastIndexOf('/');
    const layer = byLayer.get(p.name.slice(0, slash));
    const leaf = p.name.slice(slash + 1);
    if (!layer || (leaf !== 'kernel' && leaf !== 'depthwise_kernel')) continue;
    const kernel = p.shape.reduce((a, b) => a * b, 1);
    // NCHW [-1, C, H, W]: H·W output pixels.
    const pixels = layer.outputShape.length === 4 ? layer.outputShape[2]! * layer.outputShape[3]! : 1;
    out.push({ name: layer.name, macs: kernel * pixels });
  }
  return out;
}

/** Forward FLOPs per image: 2 · MACs. */
export function forwardFlopsPerImage(config: ModelConfig): number {
  return 2 * layerMacs(config).reduce((a, l) => a + l.macs, 0);
}

/** FLOPs per image for one mode: inference = forward, training = 3 × forward. */
export function flopsPerImage(config: ModelConfig, mode: 'train' | 'infer'): number {
  return forwardFlopsPerImage(config) * (mode === 'train' ? 3 : 1);
}
