// `syncgrad export`: the safetensors state_dict loads into the seed's own PyTorch module and gives
// `predict`'s probabilities on real image files; the tfjs LayersModel loads with
// tf.loadLayersModel and gives our logits; bad input gets one line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../common/data/decode.js';
import { normalizePixels } from '../common/data/normalize.js';
import { Cnn, initialWeights } from '../common/model/cnn.js';
import { fromSafetensors } from '../common/export/safetensors.js';
import type { ModelConfig } from '../common/model/spec.js';
import { torchAvailable, SYSTEM_PYTHON } from '../bench/torch.js';
import { saveCheckpoint } from '../common/run/checkpoint.js';
import { cli, shapesFixture, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

const PARITY = fileURLToPath(new URL('./torch/seed_parity.py', import.meta.url));
const CLASSES = ['circle', 'cross', 'ring', 'square', 'stripes', 'triangle'];
let tmp: TempDir;
let data: string;
let images: string[];

before(async () => {
  ({ tmp, data } = await shapesFixture(2, 24));
  images = [];
  for (const cls of (await readdir(data)).filter((d) => !d.startsWith('.')).sort()) {
    const files = (await readdir(join(data, cls))).sort();
    images.push(join(data, cls, files[0]!));
  }
});
after(async () => {
  await tmp?.[Symbol.asyncDispose]();
});

/**
 * A run directory whose checkpoint holds the seed CNN at `config`: its initial weights scaled up,
 * so the logits are far from uniform and a wrongly ordered weight changes the probabilities.
 */
async function runWith(name: string, config: ModelConfig): Promise<string> {
  const run = join(tmp.path, name);
  await mkdir(run, { recursive: true });
  const weights = initialWeights(config, 11).map((w) => w.map((v) => v * 3));
  await saveCheckpoint(run, {
    meta: {
      model: config,
      classes: CLASSES,
      epoch: 1,
      step: 0,
      learningRate: 1e-5,
      seed: 42,
      rng: [1, 2, 3, 4],
      config: {},
      createdAt: new Date().toISOString(),
    },
    weights,
    optimizer: { step: 0, m: [], v: [] },
  });
  return run;
}

/** The images as predict feeds them: decoded by sharp at the model's size, normalised, NHWC. */
async function inputs(config: ModelConfig): Promise<Float32Array> {
  const per = config.imageSize * config.imageSize * config.channels;
  const x = new Float32Array(images.length * per);
  for (const [i, p] of images.entries()) x.set(normalizePixels(await decodeImage(p, config.imageSize, config.channels)), i * per);
  return x;
}

async function predicted(run: string): Promise<number[][]> {
  const r = await cli('predict', '--model', run, '--json', '--backend', TEST_BACKEND, ...images);
  assert.equal(r.code, 0, r.err.join('\n'));
  return r.out.map((l) => CLASSES.map((c) => (JSON.parse(l) as { probabilities: Record<string, number> }).probabilities[c]!));
}

const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));

for (const config of [
  { imageSize: 256, channels: 3, classes: 6, dropout: 0.2 },
  { imageSize: 256, channels: 1, classes: 6, dropout: 0.2 },
  { imageSize: 40, channels: 3, classes: 6, dropout: 0.2 },
] as ModelConfig[]) {
  const label = `${config.imageSize}×${config.imageSize}×${config.channels}`;
  test(`export - safetensors loads into the seed's PyTorch module and gives predict's probabilities within 1e-4 (${label})`, async (t) => {
    const torch = torchAvailable();
    if (!torch.ok) {
      if (process.env.CI === 'true') assert.fail(`the parity test needs torch in CI: ${torch.reason}`);
      t.skip(torch.reason);
      return;
    }
    const run = await runWith(`st-${label}`, config);
    const out = join(tmp.path, `st-${label}.safetensors`);
    const r = await cli('export', '--model', run, '--format', 'safetensors', '--out', out);
    assert.equal(r.code, 0, r.err.join('\n'));
    // The file alone names the module's parameters in PyTorch's layouts.
    const { tensors, metadata } = fromSafetensors(await readFile(out));
    assert.deepEqual(
      tensors.map((x) => x.name),
      [
        'conv1.weight',
        'conv1.bias',
        'conv2.weight',
        'conv2.bias',
        'conv3.weight',
        'conv3.bias',
        'fc1.weight',
        'fc1.bias',
        'fc2.weight',
        'fc2.bias',
        'fc3.weight',
        'fc3.bias',
      ],
    );
    assert.deepEqual(tensors[0]!.shape, [256, config.channels, 3, 3]);
    assert.deepEqual(tensors[10]!.shape, [6, 128]);
    assert.deepEqual((JSON.parse(metadata.syncgrad!) as { classes: string[] }).classes, CLASSES);

    const x = join(tmp.path, `st-${label}.f32`);
    const pixels = await inputs(config);
    await writeFile(x, Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength));
    const py = spawnSync(SYSTEM_PYTHON, [PARITY, out, x, String(images.length), String(config.imageSize), String(config.channels)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      timeout: 300_000,
    });
    assert.equal(py.status, 0, py.stderr);
    const theirs = (JSON.parse(py.stdout) as { probabilities: number[][] }).probabilities;
    const ours = await predicted(run);
    const d = maxDiff(ours, theirs);
    assert.ok(d <= 1e-4, `${label}: max |Δp| = ${d}`);
    // The weights are far from uniform: a permuted layout would not pass.
    assert.ok(Math.max(...ours.flat()) > 0.3, `${label}: probabilities are informative (${Math.max(...ours.flat())})`);
  });
}

test("export - the tfjs LayersModel loads with tf.loadLayersModel (from memory, and through tfjs-node's file:// handler) and gives our logits within 1e-5", async () => {
  const config: ModelConfig = { imageSize: 40, channels: 3, classes: 6, dropout: 0.2 };
  const run = await runWith('tfjs-run', config);
  const out = join(tmp.path, 'tfjs-model');
  const r = await cli('export', '--model', run, '--format', 'tfjs', '--out', out);
  assert.equal(r.code, 0, r.err.join('\n'));
  // What tfjs-node's file:// handler or a browser's fetch does: model.json, then the shards it names.
  const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8')) as tf.io.ModelJSON & { userDefinedMetadata: { classes: string[] } };
  assert.equal(json.format, 'layers-model');
  assert.deepEqual(json.userDefinedMetadata.classes, CLASSES);
  const shards = await Promise.all(json.weightsManifest[0]!.paths.map((p: string) => readFile(join(out, p))));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData }));
  // The README's Node line, on native TensorFlow: tfjs-node reads file:// itself.
  const fromFile =
    TEST_BACKEND === 'tensorflow'
      ? await ((await import('@tensorflow/tfjs-node')) as typeof tf).loadLayersModel(`file://${join(out, 'model.json')}`)
      : undefined;
  const ck = (await import('../common/run/checkpoint.js')).loadCheckpoint;
  const model = Cnn.fromWeights(config, (await ck(run)).weights);
  try {
    const pixels = await inputs(config);
    const [theirs, ours, file] = tf.tidy(() => {
      const xs = tf.tensor4d(pixels, [images.length, config.imageSize, config.imageSize, config.channels]);
      return [
        (loaded.predict(xs) as tf.Tensor).arraySync() as number[][],
        model.forward(xs, { training: false }).arraySync(),
        fromFile ? ((fromFile.predict(xs) as tf.Tensor).arraySync() as number[][]) : undefined,
      ];
    });
    const d = maxDiff(ours, theirs);
    assert.ok(d <= 1e-5, `max |Δlogit| = ${d}`);
    if (fromFile) assert.ok(maxDiff(ours, file!) <= 1e-5, `file://: max |Δlogit| = ${maxDiff(ours, file!)}`);
    assert.ok(Math.max(...ours.flat().map(Math.abs)) > 0.1, 'logits are not all near zero');
  } finally {
    loaded.dispose();
    fromFile?.dispose();
    model.dispose();
  }
});

test('export - a missing or corrupt run, an unknown format and an existing --out each get one line', async () => {
  const one = async (args: string[], code: number, pattern: RegExp) => {
    const r = await cli('export', ...args);
    assert.equal(r.code, code, r.err.join('\n'));
    const lines = r.err.filter((l) => l.trim() !== '');
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, pattern);
  };
  const out = join(tmp.path, 'never.safetensors');
  await one(['--model', join(tmp.path, 'no-such-run'), '--format', 'safetensors', '--out', out], 1, /checkpoint/);
  const corrupt = join(tmp.path, 'corrupt-run');
  await mkdir(corrupt, { recursive: true });
  await writeFile(join(corrupt, 'checkpoint.sgck'), 'not a checkpoint at all');
  await one(['--model', corrupt, '--format', 'safetensors', '--out', out], 1, /^syncgrad: not a syncgrad checkpoint: /);
  const run = await runWith('bad-input', { imageSize: 16, channels: 3, classes: 6, dropout: 0.2 });
  await one(['--model', run, '--format', 'onnx', '--out', out], 2, /^syncgrad: --format must be one of tfjs, safetensors, got "onnx"$/);
  await writeFile(out, 'mine');
  await one(['--model', run, '--format', 'safetensors', '--out', out], 2, /^syncgrad: --out .*never\.safetensors exists \(add --force to replace it\)$/);
  assert.equal(await readFile(out, 'utf8'), 'mine', 'the existing file is untouched');
  const forced = await cli('export', '--model', run, '--format', 'safetensors', '--out', out, '--force');
  assert.equal(forced.code, 0, forced.err.join('\n'));
  assert.equal(fromSafetensors(await readFile(out)).tensors.length, 12);
});
