// `--model NAME|FILE` to a described network and its initial weights, and a description back to a
// live Net. Built once where a run starts (`train`, the coordinator); every other process rebuilds
// it from the description the config carries, so a remote worker never needs the user's file.
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors.js';
import { Cnn, initialWeights } from './cnn.js';
import { describeLayersModel, LayersNet, orderedWeights } from './layers-net.js';
import type { Net } from './net.js';
import { SEED_CNN, validateModelConfig, type ModelConfig } from './spec.js';
import { checkModelChoice } from './choice.js';
import { fromFactory, loadUserModel, type ModelFactory } from './user-model.js';
import { torchvisionInit } from './zoo/init.js';
import { ZOO } from './zoo/index.js';

export interface BuiltModel {
  config: ModelConfig;
  /** The weights a fresh run starts from, in the description's order. */
  initial: Float32Array[];
}

export type ModelBase = Omit<ModelConfig, 'arch' | 'layers'>;

/** What `--model` names, or, through the library API, a function that builds a tfjs-layers model. */
export type ModelChoice = string | ModelFactory;

/** The name a model goes by in reports and checkpoints. */
export const USER_FUNCTION_ARCH = 'custom';

export async function buildModel(choice: ModelChoice, base: ModelBase, seed: number): Promise<BuiltModel> {
  return construct(choice, base, seed);
}

/** The description alone (`summary`): no initial weights drawn. */
export async function describeChoice(choice: ModelChoice, base: ModelBase): Promise<ModelConfig> {
  return (await construct(choice, base, undefined)).config;
}

async function construct(choice: ModelChoice, base: ModelBase, seed: number | undefined): Promise<BuiltModel> {
  if (typeof choice === 'string') checkModelChoice(choice);
  if (choice === SEED_CNN) {
    const config = validateModelConfig({ ...base, arch: SEED_CNN });
    return { config, initial: seed === undefined ? [] : initialWeights(config, seed) };
  }
  // Built on whatever backend this process has (the coordinator's is tfjs's cpu); PROD silences
  // the cpu backend's "install tfjs-node" banner, as select.ts does.
  tf.env().set('PROD', true);
  const zoo = typeof choice === 'string' ? ZOO[choice] : undefined;
  const name = typeof choice === 'string' ? (zoo ? choice : basename(choice)) : USER_FUNCTION_ARCH;
  if (zoo && base.imageSize < zoo.minImageSize) throw new ConfigError(`--image-size ${base.imageSize} is too small for ${name} (at least ${zoo.minImageSize})`);
  const model = zoo
    ? zoo.build(tf.input({ shape: [base.imageSize, base.imageSize, base.channels], name: 'input' }), base.classes)
    : typeof choice === 'string'
      ? await loadUserModel(choice, base)
      : await fromFactory(choice, base, 'model');
  try {
    const layers = describeLayersModel(model);
    // tfjs builds a layer whose window outgrows its input with an empty output, and fails only when it runs.
    const empty = layers.layers.find((l) => l.outputShape.slice(1).some((d) => d <= 0));
    if (empty)
      throw new ConfigError(
        `--image-size ${base.imageSize} is too small for ${name}: its layer ${empty.name} has an empty output [${empty.outputShape.slice(1).join(', ')}]`,
      );
    const config = validateModelConfig({ ...base, dropout: 0, arch: name, layers });
    if (seed === undefined) return { config, initial: [] };
    // The zoo starts as torchvision does, from the run's seed; a user's model from its own initialisers (or its file's weights).
    const own = orderedWeights(model);
    const initial = zoo
      ? torchvisionInit(layers.params, seed, zoo.classifierInit)
      : [...own.trainable, ...own.buffers].map((w) => w.read().dataSync() as Float32Array);
    return { config, initial };
  } finally {
    model.dispose();
  }
}

/** A live network for a described model, holding `weights`. */
export async function createNet(config: ModelConfig, weights: Float32Array[]): Promise<Net> {
  return config.layers ? LayersNet.create(config, weights) : Cnn.fromWeights(config, weights);
}

/** Zeros of the described sizes: a placeholder until a replica pulls the real weights. */
export function placeholderWeights(config: ModelConfig): Float32Array[] {
  return config.layers ? config.layers.params.map((s) => new Float32Array(s.size)) : initialWeights(config, 0);
}
