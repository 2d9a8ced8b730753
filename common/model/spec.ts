// A model as pure data: layer list, output shapes and parameter shapes. No tensors here, so
// `summary` runs instantly at 256² and the cluster can agree on parameter layout without a backend.
// The seed CNN is described by the code below; any other network (the zoo's, the user's) carries
// its description with it (`layers`), made once when it was built (build.ts).
import { ConfigError } from '../errors.js';

export const DEFAULT_IMAGE_SIZE = 256;
export const DEFAULT_CHANNELS = 3;
export const DEFAULT_CLASSES = 6;
/** The seed's Dropout(p=0.2) after the first two pooling layers. */
export const DEFAULT_DROPOUT = 0.2;
/** conv3 uses no padding and three 2×2 pools follow: below 14 px the flatten size reaches zero. */
export const MIN_IMAGE_SIZE = 14;

export interface ModelConfig {
  imageSize: number;
  channels: 1 | 3;
  classes: number;
  /** The seed CNN's dropout rate (other networks carry their own in their layers). */
  dropout: number;
  /** The network: `seed-cnn` (also when absent, as in files written before there were others), a zoo name, or a user's file. */
  arch?: string;
  /** Every network but the seed CNN: its tfjs-layers topology and what follows from it. */
  layers?: LayersArch;
}

export const SEED_CNN = 'seed-cnn';

/** A tfjs-layers network, described. */
export interface LayersArch {
  /** `model.toJSON(undefined, false)`: what tf.models.modelFromJSON rebuilds it from. */
  topology: object;
  /** Trainable tensors, then the buffers (running statistics), in the order of the flat vector. */
  params: ParamSpec[];
  layers: LayerSpec[];
}

export const archOf = (c: ModelConfig): string => c.arch ?? SEED_CNN;

/** `resnet18, 11,179,590 params (+9,600 running statistics)`: what a run's first lines say it trains. */
export function describeModel(c: ModelConfig): string {
  const all = paramSpecs(c).reduce((a, s) => a + s.size, 0);
  const trainable = trainableCount(c);
  const fmt = (n: number) => n.toLocaleString('en-US');
  return `${archOf(c)}, ${fmt(trainable)} params${all > trainable ? ` (+${fmt(all - trainable)} running statistics)` : ''}`;
}

/** Whether the network keeps running statistics (BatchNorm): its passes then need a few images each. */
export const hasRunningStats = (c: ModelConfig): boolean => paramSpecs(c).some((s) => s.buffer);

/** Values a step's optimizer updates; the buffers after them are averaged, not stepped. */
export function trainableCount(c: ModelConfig): number {
  return paramSpecs(c)
    .filter((s) => !s.buffer)
    .reduce((a, s) => a + s.size, 0);
}

export function defaultModelConfig(): ModelConfig {
  return { imageSize: DEFAULT_IMAGE_SIZE, channels: DEFAULT_CHANNELS, classes: DEFAULT_CLASSES, dropout: DEFAULT_DROPOUT };
}

export function validateModelConfig(c: ModelConfig): ModelConfig {
  const min = c.layers ? 1 : MIN_IMAGE_SIZE;
  if (!Number.isInteger(c.imageSize) || c.imageSize < min) {
    throw new ConfigError(`--image-size must be an integer >= ${min}, got ${c.imageSize}`);
  }
  if (c.channels !== 1 && c.channels !== 3) throw new ConfigError(`--channels must be 1 or 3, got ${String(c.channels)}`);
  if (!Number.isInteger(c.classes) || c.classes < 2) throw new ConfigError(`--classes must be an integer >= 2, got ${c.classes}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new ConfigError(`dropout must be in [0, 1), got ${c.dropout}`);
  return c;
}

export type LayerKind = 'conv' | 'maxpool' | 'dropout' | 'flatten' | 'linear';

export interface LayerSpec {
  /** torchsummary's name, e.g. `Conv2d-1`. */
  name: string;
  /** The seed CNN's kinds; a tfjs-layers network's layer class names. */
  kind: string;
  /** NCHW (or N,F) with -1 for the batch, as torchsummary prints it. */
  outputShape: number[];
  params: number;
}

/** A trainable tensor in tfjs layout: conv kernels [kh,kw,in,out], dense kernels [in,out]. */
export interface ParamSpec {
  name: string;
  shape: number[];
  /** PyTorch's fan_in, which sets the default init bound 1/sqrt(fan_in). */
  fanIn: number;
  size: number;
  /** A running statistic: averaged over passes and replicas each step, never stepped by the optimizer. */
  buffer?: boolean;
}

interface ConvDef {
  name: string;
  out: number;
  pad: 'same' | 'valid';
}

/** The seed: conv(256,same) pool drop conv(128,same) pool drop conv(64,valid) pool flatten fc256 fc128 fc(classes). */
const CONVS: ConvDef[] = [
  { name: 'conv1', out: 256, pad: 'same' },
  { name: 'conv2', out: 128, pad: 'same' },
  { name: 'conv3', out: 64, pad: 'valid' },
];
const HIDDEN = [256, 128];
const KERNEL = 3;

export function flattenSize(c: ModelConfig): number {
  let s = c.imageSize;
  for (const conv of CONVS) {
    if (conv.pad === 'valid') s -= KERNEL - 1;
    s = Math.floor(s / 2);
  }
  return s * s * CONVS[CONVS.length - 1]!.out;
}

export function describeLayers(config: ModelConfig): LayerSpec[] {
  const c = validateModelConfig(config);
  if (c.layers) return c.layers.layers;
  const layers: LayerSpec[] = [];
  const add = (type: string, kind: LayerKind, outputShape: number[], params: number) =>
    layers.push({ name: `${type}-${layers.length + 1}`, kind, outputShape, params });
  let ch: number = c.channels;
  let s = c.imageSize;
  CONVS.forEach((conv, i) => {
    if (conv.pad === 'valid') s -= KERNEL - 1;
    add('Conv2d', 'conv', [-1, conv.out, s, s], KERNEL * KERNEL * ch * conv.out + conv.out);
    ch = conv.out;
    s = Math.floor(s / 2);
    add('MaxPool2d', 'maxpool', [-1, ch, s, s], 0);
    // The seed has dropout after the first two pools only.
    if (i < CONVS.length - 1) add('Dropout', 'dropout', [-1, ch, s, s], 0);
  });
  let features = ch * s * s;
  add('Flatten', 'flatten', [-1, features], 0);
  for (const width of [...HIDDEN, c.classes]) {
    add('Linear', 'linear', [-1, width], features * width + width);
    features = width;
  }
  return layers;
}

export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const c = validateModelConfig(config);
  if (c.layers) return c.layers.params;
  const specs: ParamSpec[] = [];
  const add = (name: string, shape: number[], fanIn: number) => specs.push({ name, shape, fanIn, size: shape.reduce((a, b) => a * b, 1) });
  let ch: number = c.channels;
  for (const conv of CONVS) {
    add(`${conv.name}/kernel`, [KERNEL, KERNEL, ch, conv.out], KERNEL * KERNEL * ch);
    add(`${conv.name}/bias`, [conv.out], KERNEL * KERNEL * ch);
    ch = conv.out;
  }
  let features = flattenSize(c);
  [...HIDDEN, c.classes].forEach((width, i) => {
    add(`fc${i + 1}/kernel`, [features, width], features);
    add(`fc${i + 1}/bias`, [width], features);
    features = width;
  });
  return specs;
}

export const CONV_LAYERS: readonly Readonly<ConvDef>[] = CONVS;
