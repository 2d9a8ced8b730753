// Inference with each BatchNorm that directly follows a convolution folded into that convolution,
// as torch.nn.utils.fusion.fuse_conv_bn_eval does: with s = gamma / sqrt(var + eps), the kernel
// becomes kernel · s per output channel and the bias (bias − mean) · s + beta. A ReLU or ReLU6
// right after the BatchNorm becomes the convolution's activation, so tfjs runs a Conv2D as one
// fused conv + bias + ReLU kernel (native TensorFlow: oneDNN's, backend/native/kernels.ts).
// The folded model is a rewritten copy of the topology with its own weights; the training model
// is untouched (and its export keeps torchvision's layout).
import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from './layers/batch-norm.js';

type Json = Record<string, unknown>;
/** A reference to a layer's output in a functional topology: [layer, node, tensor, kwargs]. */
type InboundRef = [string, number, number, Json?];
interface LayerJson {
  class_name: string;
  name?: string;
  config: Json & { name: string };
  inbound_nodes?: InboundRef[][];
}

const CONVS = new Set(['Conv2D', 'DepthwiseConv2D']);

export interface FoldedPair {
  conv: string;
  batchNorm: string;
}

/** The activation a layer applies, when it is exactly ReLU or ReLU6. */
function reluOf(layer: LayerJson): 'relu' | 'relu6' | undefined {
  const c = layer.config;
  if (layer.class_name === 'Activation' && (c['activation'] === 'relu' || c['activation'] === 'relu6')) return c['activation'];
  if (layer.class_name === 'ReLU' && (c['max_value'] ?? null) === null) return 'relu';
  return undefined;
}

/**
 * The topology with every conv → BatchNorm (→ ReLU) chain folded into the conv, and the pairs it
 * folded. A conv qualifies when it is called once, has a linear activation and its only consumer
 * is a SyncgradBatchNorm called once; the ReLU qualifies when it is the BatchNorm's only consumer.
 */
export function foldTopology(topology: Json): { topology: Json; pairs: FoldedPair[] } {
  const model = structuredClone(topology) as Json & { class_name: string; config: Json & { layers: LayerJson[] } };
  const layers = model.config.layers;
  const pairs: FoldedPair[] = [];
  const nameOf = (l: LayerJson) => l.config.name;
  if (model.class_name === 'Sequential') {
    for (let i = 0; i + 1 < layers.length; i++) {
      const [conv, bn] = [layers[i]!, layers[i + 1]!];
      if (!CONVS.has(conv.class_name) || bn.class_name !== BatchNorm.className || (conv.config['activation'] ?? 'linear') !== 'linear') continue;
      conv.config['use_bias'] = true;
      pairs.push({ conv: nameOf(conv), batchNorm: nameOf(bn) });
      const act = layers[i + 2] && reluOf(layers[i + 2]!);
      layers.splice(i + 1, act ? 2 : 1);
      if (act) conv.config['activation'] = act;
    }
    return { topology: model, pairs };
  }
  const outputs = model.config['output_layers'] as InboundRef[];
  const refsTo = (name: string) =>
    layers.flatMap((l) =>
      (l.inbound_nodes ?? [])
        .flat()
        .filter((r) => r[0] === name)
        .map(() => l),
    );
  const isOutput = (name: string) => outputs.some((r) => r[0] === name);
  const single = (l: LayerJson): InboundRef | undefined =>
    l.inbound_nodes?.length === 1 && l.inbound_nodes[0]!.length === 1 ? l.inbound_nodes[0]![0] : undefined;
  const rewire = (from: string, to: string) => {
    for (const l of layers) for (const node of l.inbound_nodes ?? []) for (const r of node) if (r[0] === from) [r[0], r[1], r[2]] = [to, 0, 0];
    for (const r of outputs) if (r[0] === from) [r[0], r[1], r[2]] = [to, 0, 0];
  };
  const remove = (l: LayerJson) => layers.splice(layers.indexOf(l), 1);
  for (const bn of [...layers]) {
    if (bn.class_name !== BatchNorm.className) continue;
    const ref = single(bn);
    const conv = ref && layers.find((l) => nameOf(l) === ref[0]);
    if (!conv || !CONVS.has(conv.class_name) || conv.inbound_nodes?.length !== 1 || (conv.config['activation'] ?? 'linear') !== 'linear') continue;
    if (refsTo(nameOf(conv)).length !== 1 || isOutput(nameOf(conv))) continue;
    conv.config['use_bias'] = true;
    pairs.push({ conv: nameOf(conv), batchNorm: nameOf(bn) });
    const consumers = refsTo(nameOf(bn));
    const act = consumers.length === 1 && !isOutput(nameOf(bn)) && single(consumers[0]!) ? reluOf(consumers[0]!) : undefined;
    rewire(nameOf(bn), nameOf(conv));
    remove(bn);
    if (act) {
      conv.config['activation'] = act;
      rewire(nameOf(consumers[0]!), nameOf(conv));
      remove(consumers[0]!);
    }
  }
  return { topology: model, pairs };
}

/** The folded model for `source`, with its weights: copied, or folded for each pair. */
export async function foldModel(source: tf.LayersModel): Promise<{ model: tf.LayersModel; pairs: FoldedPair[] }> {
  const { topology, pairs } = foldTopology(source.toJSON(undefined, false) as Json);
  const model = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
  setFoldedWeights(source, model, pairs);
  return { model, pairs };
}

/** Writes `source`'s current weights into its folded copy. */
export function setFoldedWeights(source: tf.LayersModel, folded: tf.LayersModel, pairs: readonly FoldedPair[]): void {
  const byConv = new Map(pairs.map((p) => [p.conv, p.batchNorm]));
  for (const layer of folded.layers) {
    const from = source.getLayer(layer.name);
    const bnName = byConv.get(layer.name);
    if (bnName === undefined) {
      if (layer.weights.length > 0) layer.setWeights(from.getWeights());
      continue;
    }
    const bn = source.getLayer(bnName) as unknown as tf.layers.Layer & { epsilon: number };
    const w = (suffix: string) => bn.weights.find((v) => v.originalName.endsWith(`/${suffix}`))!.read();
    tf.tidy(() => {
      const [kernel, bias] = from.getWeights();
      const scale = tf.div(w('gamma'), tf.sqrt(tf.add(w('moving_variance'), bn.epsilon)));
      const k = kernel!;
      // Depthwise kernels are [kh, kw, C, multiplier]: output channel c·multiplier + m.
      const kScale = k.shape[3] !== scale.shape[0] ? tf.reshape(scale, [1, 1, k.shape[2]!, k.shape[3]!]) : scale;
      const b = bias ?? tf.zeros(scale.shape);
      layer.setWeights([tf.mul(k, kScale), tf.add(tf.mul(tf.sub(b, w('moving_mean')), scale), w('beta'))]);
    });
  }
}
