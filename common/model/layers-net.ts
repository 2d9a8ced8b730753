// Any tfjs-layers model as a Net: the zoo's and the user's. Its trainable weights are the params,
// its non-trainable ones (BatchNorm's running statistics) the buffers. describeLayersModel turns a
// built model into the pure description a ModelConfig carries, so processes without the model's
// source (a remote worker, `evaluate` on a run directory) rebuild it from the topology alone.
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors.js';
import { withPass } from './pass.js';
import { foldModel, setFoldedWeights, type FoldedPair } from './fold.js';
import { assignWeights, type ForwardOptions, type Net } from './net.js';
import type { LayerSpec, LayersArch, ModelConfig, ParamSpec } from './spec.js';
// The custom layers register their classes when loaded, so any topology naming them deserialises.
import './layers/batch-norm.js';
import './layers/sample-dropout.js';
import './lazy-conv.js';
import './activations.js';

type LayerVariable = tf.LayersModel['weights'][number];

/** torch's fan_in of a weight (bias bounds use their layer's kernel's): conv [kh,kw,in,out] → kh·kw·in, depthwise [kh,kw,C,1] → kh·kw, dense [in,out] → in. */
function fanIn(w: LayerVariable, kernel: LayerVariable | undefined): number {
  const k = kernel ?? w;
  const s = k.shape as number[];
  if (s.length === 4) return s[0]! * s[1]! * (k.originalName.endsWith('depthwise_kernel') ? 1 : s[2]!);
  if (s.length === 2) return s[0]!;
  return 1;
}

/** NHWC [null, H, W, C] as torchsummary's NCHW [-1, C, H, W]; other ranks keep their order. */
function torchShape(shape: (number | null)[]): number[] {
  const s = shape.map((d) => d ?? -1);
  return s.length === 4 ? [s[0]!, s[3]!, s[1]!, s[2]!] : s;
}

/** A model's weights in the flat vector's order: each layer's trainable ones, layer by layer, then the buffers. */
export function orderedWeights(model: tf.LayersModel): { trainable: LayerVariable[]; buffers: LayerVariable[] } {
  return { trainable: model.layers.flatMap((l) => l.trainableWeights), buffers: model.nonTrainableWeights };
}

export function describeLayersModel(model: tf.LayersModel): LayersArch {
  const spec = (w: LayerVariable, buffer: boolean, kernel?: LayerVariable): ParamSpec => {
    const shape = w.shape as number[];
    return { name: w.originalName, shape, fanIn: fanIn(w, kernel), size: shape.reduce((a, b) => a * b, 1), ...(buffer ? { buffer } : {}) };
  };
  const params: ParamSpec[] = [];
  for (const layer of model.layers) {
    const kernel = layer.trainableWeights.find((w) => /kernel$/.test(w.originalName));
    for (const w of layer.trainableWeights) params.push(spec(w, false, w === kernel ? undefined : kernel));
  }
  for (const w of orderedWeights(model).buffers) params.push(spec(w, true));
  const names = new Set<string>();
  for (const p of params) {
    if (names.has(p.name)) throw new ConfigError(`the model has two weights named ${p.name}: give its layers unique names`);
    names.add(p.name);
  }
  const layers: LayerSpec[] = model.layers
    .filter((l) => l.getClassName() !== 'InputLayer')
    .map((l) => {
      const out = l.outputShape;
      const first = (Array.isArray(out[0]) ? out[0] : out) as (number | null)[];
      return {
        name: l.name,
        kind: l.getClassName(),
        outputShape: torchShape(first),
        params: l.trainableWeights.reduce((a, w) => a + (w.shape as number[]).reduce((x, y) => x * y, 1), 0),
      };
    });
  return { topology: model.toJSON(undefined, false) as object, params, layers };
}

/** Rebuilds a described model (weights left as its initialisers made them). */
export async function modelFromArch(arch: LayersArch): Promise<tf.LayersModel> {
  try {
    return await tf.models.modelFromJSON({ modelTopology: arch.topology } as tf.io.ModelJSON);
  } catch (e) {
    const unknown = /Unknown layer: (\S+?)\./.exec((e as Error).message);
    if (unknown)
      throw new ConfigError(
        `the model uses the layer class ${unknown[1]}, which this process does not know: load the module that registers it ` +
          `(tf.serialization.registerClass) with --import FILE`,
      );
    throw e;
  }
}

export class LayersNet implements Net {
  readonly specs: ParamSpec[];
  readonly params: tf.Variable[];
  readonly buffers: tf.Variable[];
  private disposed = false;
  private folded: { model: tf.LayersModel; pairs: FoldedPair[] } | undefined;

  private constructor(
    readonly config: ModelConfig,
    readonly model: tf.LayersModel,
  ) {
    const arch = config.layers!;
    this.specs = arch.params;
    const { trainable, buffers } = orderedWeights(model);
    const ordered = [...trainable, ...buffers];
    if (ordered.length !== this.specs.length || model.trainableWeights.length !== trainable.length)
      throw new ConfigError(`the model has ${ordered.length} weight tensors, its description ${this.specs.length}`);
    ordered.forEach((w, i) => {
      if (w.originalName !== this.specs[i]!.name) throw new ConfigError(`weight ${i} is ${w.originalName}, its description says ${this.specs[i]!.name}`);
    });
    // A LayerVariable's read() is its tf.Variable itself.
    this.params = trainable.map((w) => w.read() as tf.Variable);
    this.buffers = buffers.map((w) => w.read() as tf.Variable);
  }

  /** The described model with these weights (specs' order). */
  static async create(config: ModelConfig, weights: Float32Array[]): Promise<LayersNet> {
    if (!config.layers) throw new Error('LayersNet needs a tfjs-layers description');
    const net = new LayersNet(config, await modelFromArch(config.layers));
    net.setWeights(weights);
    return net;
  }

  get paramCount(): number {
    return this.specs.reduce((a, s) => a + s.size, 0);
  }

  /**
   * From now on, inference runs a copy with each conv → BatchNorm (→ ReLU) folded into one conv
   * (fold.ts); setWeights refolds it. For nets that only infer (evaluate, predict, fps, bench
   * infer): a training pass drops the copy, since training moves the weights under it.
   */
  async foldForInference(): Promise<void> {
    if (this.folded || this.buffers.length === 0) return;
    this.folded = await foldModel(this.model);
    if (this.folded.pairs.length === 0) this.dropFolded();
  }

  private dropFolded(): void {
    this.folded?.model.dispose();
    this.folded = undefined;
  }

  forward(x: tf.Tensor4D, o: ForwardOptions): tf.Tensor2D {
    if (o.training) this.dropFolded();
    else if (this.folded) {
      const folded = this.folded.model;
      return tf.tidy(() => folded.apply(x, { training: false }) as tf.Tensor2D);
    }
    const pass = o.training && o.dropoutSeed !== undefined && o.sampleIds !== undefined ? { dropoutSeed: o.dropoutSeed, sampleIds: o.sampleIds } : undefined;
    return tf.tidy(() => withPass(pass, () => this.model.apply(x, { training: o.training }) as tf.Tensor2D));
  }

  regularizationLoss(): tf.Scalar | undefined {
    const losses = this.model.calculateLosses();
    if (losses.length === 0) return undefined;
    return losses.length === 1 ? losses[0]! : tf.addN(losses);
  }

  async getWeights(): Promise<Float32Array[]> {
    return Promise.all([...this.params, ...this.buffers].map(async (v) => (await v.data()) as Float32Array));
  }

  setWeights(weights: Float32Array[]): void {
    assignWeights([...this.params, ...this.buffers], this.specs, weights);
    if (this.folded) setFoldedWeights(this.model, this.folded.model, this.folded.pairs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dropFolded();
    this.model.dispose();
  }
}
