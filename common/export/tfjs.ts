// The TensorFlow.js LayersModel export: the seed CNN rebuilt from tfjs-layers' own layers (Keras'
// Conv2D, MaxPooling2D, Dropout, Flatten, Dense, channels-last like ours), given our weights, and
// serialised by tfjs's own save path, so tf.loadLayersModel reads it anywhere tfjs runs.
import * as tf from '@tensorflow/tfjs';
import { CONV_LAYERS, paramSpecs, type ModelConfig } from '../model/spec.js';

export const WEIGHTS_FILE = 'group1-shard1of1.bin';

export interface LayersModelFiles {
  /** model.json: the topology, the weights manifest and our metadata. */
  modelJson: Record<string, unknown>;
  /** The one weights shard model.json names. */
  weights: Uint8Array;
}

/** Logits, like `predict` before its softmax; `metadata` lands in model.json's userDefinedMetadata. */
export async function toLayersModel(config: ModelConfig, weights: readonly Float32Array[], metadata: Record<string, unknown>): Promise<LayersModelFiles> {
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
  let saved: tf.io.ModelArtifacts | undefined;
  try {
    m.setWeights(tensors);
    await m.save(
      tf.io.withSaveHandler((a) => {
        saved = a;
        return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
      }),
    );
  } finally {
    tf.dispose(tensors);
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
