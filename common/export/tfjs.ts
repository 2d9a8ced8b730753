// The TensorFlow.js LayersModel export: the seed CNN rebuilt from tfjs-layers' own layers (Keras'
// Conv2D, MaxPooling2D, Dropout, Flatten, Dense, channels-last like ours), given our weights, and
// serialised by tfjs's own save path, so tf.loadLayersModel reads it anywhere tfjs runs. Any other
// network is already a tfjs-layers model; syncgrad's own layers in it become stock ones that
// compute the same at inference (BatchNorm → BatchNormalization over the same running statistics,
// SampleDropout → Dropout), so the file needs nothing of syncgrad to load.
import * as tf from '@tensorflow/tfjs';
import { modelFromArch } from '../model/layers-net.js';
import { CONV_LAYERS, paramSpecs, type LayersArch, type ModelConfig } from '../model/spec.js';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';

export interface LayersModelFiles {
  /** model.json: the topology, the weights manifest and our metadata. */
  modelJson: Record<string, unknown>;
  /** The one weights shard model.json names. */
  weights: Uint8Array;
}

/** Logits, like `predict` before its softmax; `metadata` lands in model.json's userDefinedMetadata. */
export async function toLayersModel(config: ModelConfig, weights: readonly Float32Array[], metadata: Record<string, unknown>): Promise<LayersModelFiles> {
  if (config.layers) return save(await modelFromArch(portable(config.layers)), config.layers, weights, metadata);
  const specs = paramSpecs(config);
  const m = tf.sequential({ name: 'syncgrad_seed_cnn' });
  CONV_LAYERS.forEach((conv, i) => {
    m.add(
      tf.layers.conv2d({
        name: conv.name,
        filters: conv.out,
        kernelSize: 3,
        padding: conv.pad,
        activation: 'relu',
        ...(i === 0 ? { inputShape: [config.imageSize, config.imageSize, config.channels] } : {}),
      }),
    );
    m.add(tf.layers.maxPooling2d({ name: `pool${i + 1}`, poolSize: 2, strides: 2, padding: 'valid' }));
    // Where ours drops out in training (after the first two blocks); inert at inference.
    if (config.dropout > 0 && i < CONV_LAYERS.length - 1) m.add(tf.layers.dropout({ name: `dropout${i + 1}`, rate: config.dropout }));
  });
  m.add(tf.layers.flatten({ name: 'flatten' }));
  const fcs = specs.filter((s) => s.name.startsWith('fc') && s.name.endsWith('/kernel'));
  fcs.forEach((s, j) => m.add(tf.layers.dense({ name: s.name.split('/')[0]!, units: s.shape[1]!, activation: j === fcs.length - 1 ? 'linear' : 'relu' })));
  const tensors = specs.map((s, i) => tf.tensor(weights[i]!, s.shape, 'float32'));
  try {
    m.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
  return serialise(m, metadata);
}

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** The topology with syncgrad's layers swapped for the stock layers that infer alike. */
function portable(arch: LayersArch): LayersArch {
  const topology = structuredClone(arch.topology) as { config: { layers: LayerJson[] } };
  const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  for (const l of topology.config.layers) {
    const { name, trainable, dtype } = l.config;
    if (l.class_name === 'SyncgradBatchNorm') {
      l.class_name = 'BatchNormalization';
      // Keras' momentum is the running statistics' keep fraction: torch's 0.1 is Keras' 0.9.
      l.config = defined({
        name,
        trainable,
        dtype,
        axis: -1,
        momentum: 1 - (l.config['momentum'] as number),
        epsilon: l.config['epsilon'],
        center: true,
        scale: true,
      });
    } else if (l.class_name === 'SampleDropout') {
      l.class_name = 'Dropout';
      l.config = defined({ name, trainable, dtype, rate: l.config['rate'] });
    }
  }
  return { ...arch, topology };
}

/** Our weights into the rebuilt model, by name (a BatchNormalization orders its four as ours do, but names are what both agree on). */
async function save(m: tf.LayersModel, arch: LayersArch, weights: readonly Float32Array[], metadata: Record<string, unknown>): Promise<LayersModelFiles> {
  const byName = new Map(arch.params.map((s, i) => [s.name, { spec: s, data: weights[i]! }]));
  const tensors = m.weights.map((w) => {
    const found = byName.get(w.originalName);
    if (!found) throw new Error(`export: the model's weight ${w.originalName} is not in the checkpoint`);
    return tf.tensor(found.data, found.spec.shape, 'float32');
  });
  try {
    m.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
  return serialise(m, metadata);
}

async function serialise(m: tf.LayersModel, metadata: Record<string, unknown>): Promise<LayersModelFiles> {
  let saved: tf.io.ModelArtifacts | undefined;
  try {
    await m.save(
      tf.io.withSaveHandler((a) => {
        saved = a;
        return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
      }),
    );
  } finally {
    m.dispose();
  }
  const a = saved!;
  const data =
    a.weightData instanceof ArrayBuffer ? new Uint8Array(a.weightData) : new Uint8Array(tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]));
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: a.generatedBy,
      convertedBy: 'syncgrad export',
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs }],
      userDefinedMetadata: metadata,
    },
    weights: data,
  };
}
