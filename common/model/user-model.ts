// The user's own network, from a file given to --model: a module whose default export builds a
// tfjs-layers model (`({ tf, layers, imageSize, channels, classes }) => tf.LayersModel`, sync or
// async; `layers` holds syncgrad's sample-keyed dropout and torch-style BatchNorm),
// or a tfjs model.json (a topology, with weights when it has them: those are then the initial
// weights). The module gets syncgrad's own tfjs, so the model lives in the engine that trains it
// and the file needs no import of its own, from whatever directory it sits in.
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors.js';
import { BatchNorm, type BatchNormArgs } from './layers/batch-norm.js';
import { SampleDropout, type SampleDropoutArgs } from './layers/sample-dropout.js';

export interface ModelInput {
  imageSize: number;
  channels: number;
  classes: number;
}

/** syncgrad's own layers, for a user's model: dropout keyed by sample, and torch's BatchNorm. */
export const SYNCGRAD_LAYERS = {
  /** Dropout whose mask follows the sample, not its place in the batch: the cut of a batch changes nothing. */
  sampleDropout: (args: SampleDropoutArgs) => new SampleDropout(args),
  /** torch.nn.BatchNorm2d's arithmetic (momentum 0.1, unbiased running variance, eps 1e-5). */
  batchNorm: (args: BatchNormArgs = {}) => new BatchNorm(args),
};

/** What a model module's default export is called with. */
export interface ModelFactoryArgs extends ModelInput {
  tf: typeof tf;
  layers: typeof SYNCGRAD_LAYERS;
}

export type ModelFactory = (args: ModelFactoryArgs) => tf.LayersModel | Promise<tf.LayersModel>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

export async function loadUserModel(file: string, input: ModelInput): Promise<tf.LayersModel> {
  const path = resolve(file);
  try {
    if (!(await stat(path)).isFile()) throw new Error();
  } catch {
    throw new ConfigError(`--model ${file}: no such file`);
  }
  if (extname(path).toLowerCase() !== '.json') return fromModule(file, path, input);
  const model = await fromModelJson(file, path);
  checkShapes(`--model ${file}`, model, input);
  return model;
}

async function fromModule(file: string, path: string, input: ModelInput): Promise<tf.LayersModel> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    const hint =
      /\.m?ts$/.test(path) && /Unknown file extension|ERR_UNKNOWN_FILE_EXTENSION/.test(message(e))
        ? ' (this Node cannot load TypeScript: compile it to .mjs, or use Node 22.18 or later)'
        : '';
    throw new ConfigError(`--model ${file}: cannot load it: ${message(e)}${hint}`);
  }
  const factory = mod.default;
  if (typeof factory !== 'function')
    throw new ConfigError(`--model ${file}: its default export must be a function ({ tf, imageSize, channels, classes }) => tf.LayersModel`);
  return fromFactory(factory as ModelFactory, input, `--model ${file}`, 'its default export');
}

/** The model a factory builds (a model file's default export, or a function given to the library API), checked. */
export async function fromFactory(factory: ModelFactory, input: ModelInput, label: string, what = 'the model function'): Promise<tf.LayersModel> {
  let model: unknown;
  try {
    model = await factory({ tf, layers: SYNCGRAD_LAYERS, ...input });
  } catch (e) {
    throw new ConfigError(`${label}: building the model failed at ${input.imageSize}px: ${message(e)}`);
  }
  if (!(model instanceof tf.LayersModel)) throw new ConfigError(`${label}: ${what} returned ${describe(model)}, not a tf.LayersModel`);
  checkShapes(label, model, input);
  return model;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `a ${v.constructor?.name ?? 'object'}`;
  return `a ${typeof v}`;
}

interface ModelJsonFile {
  modelTopology?: object;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

async function fromModelJson(file: string, path: string): Promise<tf.LayersModel> {
  let json: ModelJsonFile;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as ModelJsonFile;
  } catch (e) {
    throw new ConfigError(`--model ${file}: not a readable JSON file: ${message(e)}`);
  }
  // A bare topology (what model.toJSON() gives) or a full model.json (what model.save() writes).
  const topology = json.modelTopology ?? json;
  if (!('class_name' in topology) && !('model_config' in topology)) throw new ConfigError(`--model ${file}: not a tfjs model.json (no modelTopology)`);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  try {
    for (const group of json.weightsManifest ?? []) {
      weightSpecs.push(...group.weights);
      for (const p of group.paths) buffers.push(await readFile(resolve(dirname(path), p)));
    }
  } catch (e) {
    throw new ConfigError(`--model ${file}: cannot read its weights: ${message(e)}`);
  }
  const weightData = buffers.length ? new Uint8Array(Buffer.concat(buffers)).buffer : undefined;
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, ...(weightData ? { weightSpecs, weightData } : {}) }));
  } catch (e) {
    const unknown = /Unknown layer: (\S+?)\./.exec(message(e));
    if (unknown)
      throw new ConfigError(
        `--model ${file}: it uses the layer class ${unknown[1]}, which is not registered: load the module that registers it with --import FILE`,
      );
    throw new ConfigError(`--model ${file}: cannot build it: ${message(e)}`);
  }
}

function checkShapes(label: string, model: tf.LayersModel, input: ModelInput): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new ConfigError(`${label}: the model must have one input and one output`);
  const [, h, w, c] = model.inputs[0]!.shape;
  const want = [input.imageSize, input.imageSize, input.channels];
  if (model.inputs[0]!.shape.length !== 4 || [h, w, c].some((d, i) => d !== null && d !== want[i]))
    throw new ConfigError(
      `${label}: its input is [${model.inputs[0]!.shape.map((d) => d ?? 'N').join(', ')}], the data gives [N, ${want.join(', ')}] (set --image-size and --channels to match)`,
    );
  const out = model.outputs[0]!.shape;
  if (out.length !== 2 || out[1] !== input.classes)
    throw new ConfigError(
      `${label}: its output is [${out.map((d) => d ?? 'N').join(', ')}], the data has ${input.classes} classes: it must give [N, ${input.classes}] logits`,
    );
}
