// Any model: the zoo's parameter counts against torchvision, a user's model file trained by a
// cluster as by one process (sample-keyed dropout, a regulariser, BatchNorm's running statistics),
// resume with BatchNorm, and one clear line for each kind of bad model input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../common/data/decode.js';
import { normalizePixels } from '../common/data/normalize.js';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../common/console/io.js';
import { parseTrainOptions } from '../common/train/options.js';
import { runTrain } from '../trainer/run.js';
import { loadCheckpoint } from '../common/run/checkpoint.js';
import { SYSTEM_PYTHON } from '../bench/torch.js';
import { IMPORTS_ENV } from '../common/model/choice.js';
import { fusedConv2dOriginal } from '../common/model/lazy-conv.js';
import { natsModeBanner, startNats, type StartedNats } from './helpers/nats-server.js';
import { cli, shapesFixture, tempDir, type CliResult, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';
import { ClusterRuns, maxAbsDiff, unequalCutter } from './helpers/cluster-runs.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { Worker } from '../worker/worker.js';

let nats: StartedNats;
let tmp: TempDir;
/** Where the user's model files live: outside the repository and outside the data. */
let elsewhere: TempDir;
let data: string;
let runs: ClusterRuns;

before(async () => {
  ({ tmp, data } = await shapesFixture(25, 16));
  elsewhere = await tempDir('syncgrad-user-model-');
  nats = await startNats();
  console.log(natsModeBanner(nats.mode));
  runs = new ClusterRuns(nats.url, tmp.path, data, TEST_BACKEND);
});
after(async () => {
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
  await elsewhere?.[Symbol.asyncDispose]();
});

/** A small conv net as a user writes it: seeded initialisers, so two builds start alike. */
function userModel(o: { batchNorm: boolean }): string {
  return `export default ({ tf, layers, imageSize, channels, classes }) => {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const input = tf.input({ shape: [imageSize, imageSize, channels] });
  let h = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: ${!o.batchNorm}, kernelInitializer: init(1), name: 'c1' }).apply(input);
  ${o.batchNorm ? "h = layers.batchNorm({ name: 'bn1' }).apply(h);" : ''}
  h = tf.layers.reLU({ name: 'r1' }).apply(h);
  h = tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }).apply(h);
  h = layers.sampleDropout({ rate: 0.3, name: 'drop1' }).apply(h);
  h = tf.layers.flatten({ name: 'flat' }).apply(h);
  h = tf.layers.dense({ units: classes, kernelInitializer: init(2), kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }), name: 'fc' }).apply(h);
  return tf.model({ inputs: input, outputs: h });
};
`;
}

async function writeModel(name: string, text: string): Promise<string> {
  const file = join(elsewhere.path, name);
  await writeFile(file, text);
  return file;
}

test('models - summary prints torchvision 0.14’s parameter counts for resnet18, resnet50 and mobilenet-v2 at 1000 classes', async (t) => {
  const r = spawnSync(SYSTEM_PYTHON, [fileURLToPath(new URL('./models/zoo_counts.py', import.meta.url)), '1000'], { encoding: 'utf8' });
  if (r.status !== 0) {
    if (process.env.CI === 'true') assert.fail(`the zoo test needs Debian's python3-torchvision in CI: ${r.stderr}`);
    t.skip(`no torchvision: ${r.stderr.trim().split('\n').pop()}`);
    return;
  }
  const reference = JSON.parse(r.stdout) as Record<string, { params: number; buffers: number }>;
  for (const [name, want] of Object.entries(reference)) {
    const s = await cli('summary', '--model', name, '--classes', '1000', '--json');
    assert.equal(s.code, 0, s.err.join('\n'));
    const got = JSON.parse(s.out.join('\n')) as { totalParams: number; input: number[] };
    assert.equal(got.totalParams, want.params, name);
    assert.deepEqual(got.input, [3, 224, 224], `${name} defaults to 224 px`);
  }
  // The printed table says it too, for the one a user reads first.
  const table = await cli('summary', '--model', 'resnet18', '--classes', '1000');
  assert.ok(table.out.join('\n').includes('Total params: 11,689,512'), table.out.join('\n'));
});

test('models - a user model file (sample-keyed dropout, an L2 regulariser) on 2 workers with unequal shards ends within 1e-5 of one process', async () => {
  const model = await writeModel('small.mjs', userModel({ batchNorm: false }));
  const single = join(tmp.path, 'user-single');
  const report = await runTrain(parseTrainOptions({ ...runs.base, data, model, out: single }), memoryIo());
  assert.equal(report.model, 'small.mjs');
  for (const exchange of ['star', 'sharded'] as const) {
    const out = join(tmp.path, `user-${exchange}`);
    const cutter = unequalCutter(5);
    await runs.run(2, { model, out }, { exchange }, memoryIo(), {}, { cutter });
    assert.ok(
      cutter.cuts.some((c) => c[0] !== c[1]),
      JSON.stringify(cutter.cuts),
    );
    const d = await maxAbsDiff(single, out);
    assert.ok(d <= 1e-5, `${exchange}: max |Δw| = ${d}`);
  }
  // The dropout acted: a rate of 0 trains other weights.
  const off = join(tmp.path, 'user-no-dropout');
  await runTrain(
    parseTrainOptions({
      ...runs.base,
      data,
      model: await writeModel('no-drop.mjs', userModel({ batchNorm: false }).replace('rate: 0.3', 'rate: 0')),
      out: off,
    }),
    memoryIo(),
  );
  assert.ok((await maxAbsDiff(single, off)) > 1e-5, 'dropout changed the run');
});

test('models - BatchNorm: 2 workers (equal shards, sharded exchange) keep identical running statistics, equal to one process computing the same passes, without the model file', async () => {
  const model = await writeModel('bn.mjs', userModel({ batchNorm: true }));
  const single = join(tmp.path, 'bn-single');
  // Two passes of 6 in one process are what two workers with 6 images each compute; the epoch's
  // last batch (114 training images) is short, so the runs stop before it.
  const base = { ...runs.base, maxStepsPerEpoch: 9 };
  await runTrain(parseTrainOptions({ ...base, data, model, out: single, microBatch: 6 }), memoryIo());
  const out = join(tmp.path, 'bn-cluster');
  const io = memoryIo();
  // The workers join after the coordinator has built the model, and the file is gone by then.
  const copy = await writeModel('bn-copy.mjs', userModel({ batchNorm: true }));
  const job = `t${process.pid}-bn`;
  const c = await Coordinator.start(
    {
      train: parseTrainOptions({ ...base, data, model: copy, out }),
      cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, exchange: 'sharded', shards: 'equal' }),
    },
    io,
  );
  await rm(copy);
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < 2; i++) workers.push(await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND));
    await c.run();
  } finally {
    await c.close();
    await Promise.all(workers.map((w) => w.close()));
  }
  assert.ok(!io.errors.some((l) => /sharded exchange of a step failed|disagree/.test(l)), io.errors.join('\n'));
  const d = await maxAbsDiff(single, out);
  assert.ok(d <= 1e-5, `max |Δw| = ${d}`);
  const ck = await loadCheckpoint(out);
  const names = ck.meta.model.layers!.params.map((p) => p.name);
  const mean = ck.weights[names.indexOf('bn1/moving_mean')]!;
  const variance = ck.weights[names.indexOf('bn1/moving_variance')]!;
  assert.ok(mean.some((v) => v !== 0) && variance.some((v) => v !== 1), 'the running statistics moved');
});

test('models - resume is bit-identical for resnet18, BatchNorm’s running statistics included', async () => {
  const base = { ...runs.base, model: 'resnet18', imageSize: 32, batchSize: 4, maxStepsPerEpoch: 2, lr: 1e-3, data };
  const whole = join(tmp.path, 'r18-whole');
  await runTrain(parseTrainOptions({ ...base, epochs: 2, out: whole }), memoryIo());
  const split = join(tmp.path, 'r18-split');
  await runTrain(parseTrainOptions({ ...base, epochs: 1, out: split }), memoryIo());
  await runTrain(parseTrainOptions({ ...base, epochs: 2, out: split, resume: true }), memoryIo());
  const [a, b] = await Promise.all([loadCheckpoint(whole), loadCheckpoint(split)]);
  assert.equal(a.meta.model.arch, 'resnet18');
  assert.equal(a.optimizer.step, 4);
  assert.equal(b.optimizer.step, 4);
  const names = a.meta.model.layers!.params.map((p) => p.name);
  a.weights.forEach((w, i) => assert.deepEqual(w, b.weights[i], names[i]));
  a.optimizer.m.forEach((w, i) => assert.deepEqual(w, b.optimizer.m[i], `adam m ${names[i]}`));
  assert.ok(
    a.weights[names.indexOf('bn1/moving_mean')]!.some((v) => v !== 0),
    'the running statistics moved',
  );
});

function assertOneLine(r: CliResult, needle: string | RegExp): void {
  assert.notEqual(r.code, 0, 'non-zero exit');
  const text = r.err.join('\n');
  assert.doesNotMatch(text, /^\s+at /m, `no stack trace in:\n${text}`);
  const lines = r.err.filter((l) => l.startsWith('syncgrad:') || l.startsWith('error:'));
  assert.equal(lines.length, 1, `exactly one error line in:\n${text}`);
  if (typeof needle === 'string') assert.ok(lines[0]!.includes(needle), `${lines[0]} should name ${needle}`);
  else assert.match(lines[0]!, needle);
}

/** `f`'s result and the names of the kernels it ran, in order (the engine's runKernel wrapped while it runs). */
function withKernelLog<T>(f: () => T): { result: T; kernels: string[] } {
  const engine = tf.engine();
  const kernels: string[] = [];
  const runKernel = engine.runKernel.bind(engine);
  engine.runKernel = ((name: string, ...rest: unknown[]) => {
    kernels.push(name);
    return (runKernel as (...a: unknown[]) => unknown)(name, ...rest);
  }) as typeof engine.runKernel;
  try {
    return { result: f(), kernels };
  } finally {
    engine.runKernel = runKernel;
  }
}

test('models - a layers conv (tf.fused.conv2d, linear) differentiates only what the tape needs, with the fused op’s gradients', () => {
  const x = tf.randomNormal<tf.Rank.R4>([2, 9, 9, 3], 0, 1, 'float32', 1);
  const filter = tf.randomNormal<tf.Rank.R4>([3, 3, 3, 4], 0, 1, 'float32', 2);
  const bias = tf.randomNormal<tf.Rank.R1>([4], 0, 1, 'float32', 3);
  const loss = (conv: typeof tf.fused.conv2d) => (f: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.square(conv({ x, filter: f as tf.Tensor4D, bias: b, strides: 2, pad: 'valid' })));
  const run = (conv: typeof tf.fused.conv2d) => {
    const { result, kernels } = withKernelLog(() =>
      tf
        .grads(loss(conv))([filter, bias])
        .map((g) => g.arraySync()),
    );
    return { grads: result, kernels };
  };
  const lazy = run(tf.fused.conv2d);
  const fusedRun = run(fusedConv2dOriginal);
  assert.ok(fusedRun.kernels.includes('Conv2DBackpropInput'), 'tfjs’s fused op back-propagates into its input');
  assert.ok(!lazy.kernels.includes('Conv2DBackpropInput'), `no input gradient: ${lazy.kernels.join(' ')}`);
  assert.ok(lazy.kernels.includes('Conv2DBackpropFilter'));
  const [a, b] = [lazy.grads.flat(4) as number[], fusedRun.grads.flat(4) as number[]];
  const scale = Math.max(...b.map(Math.abs));
  assert.ok(
    a.every((v, i) => Math.abs(v - b[i]!) <= 1e-5 * scale),
    'the same gradients',
  );
  tf.dispose([x, filter, bias]);
});

test('models - the relu6 activation runs as one Relu6 op each way, with the values of tfjs-layers’ minimum(6, relu(x))', () => {
  const layer = tf.layers.activation({ activation: 'relu6' });
  const x = tf.tensor1d([-3, -0.5, 0.25, 2, 5.5, 6.5, 40]);
  const {
    result: [y, dx],
    kernels,
  } = withKernelLog(() => [
    Array.from((layer.apply(x) as tf.Tensor).dataSync()),
    Array.from(
      tf
        .grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v) as tf.Tensor, 3)))(x)
        .dataSync(),
    ),
  ]);
  assert.deepEqual(y, [0, 0, 0.25, 2, 5.5, 6, 6]);
  assert.deepEqual(dx, [0, 0, 3, 3, 3, 0, 0]);
  assert.ok(kernels.includes('Relu6') && !kernels.includes('Minimum'), kernels.join(' '));
  assert.equal(layer.getConfig()['activation'], 'relu6', 'the topology still says relu6');
  x.dispose();
});

test('models - a bad --model is one line naming what is wrong', async () => {
  const train = (model: string, ...more: string[]) =>
    cli(
      'train',
      '--data',
      data,
      '--model',
      model,
      '--image-size',
      '16',
      '--epochs',
      '1',
      '--max-steps',
      '1',
      '--no-audit',
      '--progress',
      'none',
      '--backend',
      TEST_BACKEND,
      '--out',
      join(tmp.path, 'bad'),
      ...more,
    );
  assertOneLine(await train('resnet9'), /unknown --model "resnet9"/);
  assertOneLine(await train(join(elsewhere.path, 'missing.mjs')), /missing\.mjs: no such file/);
  assertOneLine(await train(await writeModel('not-a-function.mjs', 'export default 42;\n')), /default export must be a function/);
  assertOneLine(await train(await writeModel('returns-nothing.mjs', 'export default () => undefined;\n')), /returned undefined, not a tf.LayersModel/);
  assertOneLine(
    await train(await writeModel('throws.mjs', "export default () => { throw new Error('no weights here'); };\n")),
    /building the model failed at 16px: no weights here/,
  );
  assertOneLine(await train(await writeModel('syntax.mjs', 'export default (;\n')), /syntax\.mjs: cannot load it/);
  const fixed = await writeModel(
    'fixed-input.mjs',
    'export default ({ tf, classes }) => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: classes })] });\n',
  );
  assertOneLine(await train(fixed), /its input is \[N, 28, 28, 1\], the data gives \[N, 16, 16, 3\]/);
  assertOneLine(await train(await writeModel('not-json.json', '{ nope')), /not-json\.json: not a readable JSON file/);
  assertOneLine(await train('resnet18'), /--image-size 16 is too small for resnet18/);
  assertOneLine(
    await train(
      await writeModel(
        'too-small.mjs',
        userModel({ batchNorm: false }).replace('tf.layers.maxPooling2d({ poolSize: 2', 'tf.layers.maxPooling2d({ poolSize: 32'),
      ),
    ),
    /--image-size 16 is too small for too-small\.mjs: its layer p1 has an empty output/,
  );
});

test('models - resnet18 exports: safetensors loads strictly into torchvision’s resnet18 and the tfjs model into stock tfjs, both giving predict’s probabilities on real images', async (t) => {
  const run = join(tmp.path, 'r18-export');
  await runTrain(
    parseTrainOptions({ ...runs.base, data, model: 'resnet18', imageSize: 32, batchSize: 4, maxStepsPerEpoch: 4, lr: 1e-3, out: run }),
    memoryIo(),
  );
  const images = (await readdir(join(data, 'circle'))).slice(0, 3).map((f) => join(data, 'circle', f));
  images.push(...(await readdir(join(data, 'square'))).slice(0, 3).map((f) => join(data, 'square', f)));
  const p = await cli('predict', '--model', run, '--json', '--backend', TEST_BACKEND, ...images);
  assert.equal(p.code, 0, p.err.join('\n'));
  const classes = ['circle', 'cross', 'ring', 'square', 'stripes', 'triangle'];
  const ours = p.out.map((l) => classes.map((c) => (JSON.parse(l) as { probabilities: Record<string, number> }).probabilities[c]!));
  const pixels = new Float32Array(images.length * 32 * 32 * 3);
  for (const [i, path] of images.entries()) pixels.set(normalizePixels(await decodeImage(path, 32, 3)), i * 32 * 32 * 3);
  const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i]![j]!))));

  // tfjs: the file alone, through stock tfjs (syncgrad's layers became BatchNormalization and Dropout).
  const dir = join(tmp.path, 'r18-tfjs');
  assert.equal((await cli('export', '--model', run, '--format', 'tfjs', '--out', dir)).code, 0);
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  assert.ok(!JSON.stringify(json.modelTopology).includes('Syncgrad'), 'no syncgrad class in the topology');
  const shards = await Promise.all(json.weightsManifest[0]!.paths.map((f) => readFile(join(dir, f))));
  const loaded = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0]!.weights,
      weightData: new Uint8Array(Buffer.concat(shards)).buffer,
    }),
  );
  const viaTfjs = tf.tidy(() => tf.softmax(loaded.predict(tf.tensor4d(pixels, [images.length, 32, 32, 3])) as tf.Tensor2D).arraySync());
  loaded.dispose();
  assert.ok(maxDiff(ours, viaTfjs) <= 1e-5, `tfjs: max |Δp| = ${maxDiff(ours, viaTfjs)}`);

  const torch = spawnSync(SYSTEM_PYTHON, ['-c', 'import torchvision'], { encoding: 'utf8' });
  if (torch.status !== 0) {
    if (process.env.CI === 'true') assert.fail(`the export parity test needs Debian's python3-torchvision in CI: ${torch.stderr}`);
    t.skip('no torchvision');
    return;
  }
  const file = join(tmp.path, 'r18.safetensors');
  assert.equal((await cli('export', '--model', run, '--format', 'safetensors', '--out', file)).code, 0);
  const x = join(tmp.path, 'r18-inputs.f32');
  await writeFile(x, Buffer.from(pixels.buffer));
  const py = spawnSync(
    SYSTEM_PYTHON,
    [fileURLToPath(new URL('./torch/zoo_parity.py', import.meta.url)), 'resnet18', file, x, String(images.length), '32', '3'],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  assert.equal(py.status, 0, py.stderr);
  const theirs = (JSON.parse(py.stdout) as { probabilities: number[][] }).probabilities;
  assert.ok(maxDiff(ours, theirs) <= 1e-4, `torchvision: max |Δp| = ${maxDiff(ours, theirs)}`);
  // A layout error (a kernel not transposed, a running statistic left out) moves these far more.
  assert.ok(new Set(ours.map((r) => r.indexOf(Math.max(...r)))).size >= 1 && Math.max(...ours.flat()) > 0.2, JSON.stringify(ours));
});

test('models - a custom layer class is one line naming it without --import, and trains with the module that registers it', async () => {
  // A stock topology whose Flatten is renamed to a class no process knows yet.
  const stock = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [16, 16, 3], name: 'flat' }), tf.layers.dense({ units: 6, name: 'fc' })] });
  const topology = JSON.stringify(stock.toJSON(undefined, false)).replace('"Flatten"', '"MyFlatten"');
  stock.dispose();
  const file = await writeModel('custom.json', topology);
  const args = ['train', '--data', data, '--model', file, '--image-size', '16', '--epochs', '1', '--max-steps', '1', '--no-audit', '--progress', 'none'];
  assertOneLine(await cli(...args, '--backend', TEST_BACKEND, '--out', join(tmp.path, 'custom-a')), /uses the layer class MyFlatten.*--import FILE/);
  const register = await writeModel(
    'register.mjs',
    `export default ({ tf }) => {
  class MyFlatten extends tf.layers.Layer {
    static className = 'MyFlatten';
    computeOutputShape(s) { return [s[0], s[1] * s[2] * s[3]]; }
    call(x) { const t = Array.isArray(x) ? x[0] : x; return tf.reshape(t, [t.shape[0], -1]); }
  }
  tf.serialization.registerClass(MyFlatten);
};
`,
  );
  try {
    const ok = await cli('--import', register, ...args, '--backend', TEST_BACKEND, '--out', join(tmp.path, 'custom-b'));
    assert.equal(ok.code, 0, ok.err.join('\n'));
  } finally {
    // The CLI hands --import to the workers it starts through the environment; this process starts none.
    delete process.env[IMPORTS_ENV];
  }
});

test('models - `syncgrad cluster --model FILE` trains a user model with BatchNorm on 2 worker processes, which never read the file', async () => {
  const file = await writeModel('cli-bn.mjs', userModel({ batchNorm: true }));
  const out = join(tmp.path, 'cli-cluster');
  const r = await cli(
    ...['cluster', '--data', data, '--model', file, '--workers', '2', '--image-size', '16', '--epochs', '1', '--max-steps', '3', '--batch-size', '16'],
    ...['--no-audit', '--progress', 'none', '--fps-batches', '1', '--backend', TEST_BACKEND, '--nats', nats.url, '--out', out],
  );
  assert.equal(r.code, 0, r.err.join('\n'));
  assert.ok(
    r.err.some((l) => /^coordinator: job .*: cli-bn\.mjs, [\d,]+ params \(\+12 running statistics\)/.test(l)),
    r.err.join('\n'),
  );
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { model: string; workers: number; buffers: number };
  assert.equal(report.model, 'cli-bn.mjs');
  assert.equal(report.workers, 2);
  assert.equal(report.buffers, 12);
});

test('models - a .ts model file loads where Node strips types (22.18 and later), and elsewhere says so in one line', async () => {
  const file = await writeModel(
    'typed.ts',
    `type Args = { tf: any; imageSize: number; channels: number; classes: number };
export default ({ tf, imageSize, channels, classes }: Args) =>
  tf.sequential({ layers: [tf.layers.flatten({ inputShape: [imageSize, imageSize, channels] }), tf.layers.dense({ units: classes })] });
`,
  );
  // The bin, not this process: the suite runs under tsx, which would load any .ts itself.
  const bin = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'summary', '--model', file, '--image-size', '16', '--classes', '6', '--json'], {
    encoding: 'utf8',
    cwd: elsewhere.path,
  });
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  if (major > 22 || (major === 22 && minor >= 18)) {
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { totalParams: number }).totalParams, 16 * 16 * 3 * 6 + 6);
  } else {
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /typed\.ts: cannot load it: .*compile it to \.mjs, or use Node 22\.18 or later/);
  }
});

test('models - a worker that does not know the model’s custom layer class stops with one line naming it and --import', async () => {
  // The coordinator (this process) builds the model, whose file registers its own layer class here; a worker process started without --import has never heard of it.
  const file = await writeModel(
    'custom-layer.mjs',
    `export default ({ tf, imageSize, channels, classes }) => {
  class MyScale extends tf.layers.Layer {
    static className = 'MyScale';
    computeOutputShape(s) { return s; }
    call(x) { return tf.mul(Array.isArray(x) ? x[0] : x, 2); }
  }
  tf.serialization.registerClass(MyScale);
  const input = tf.input({ shape: [imageSize, imageSize, channels] });
  const h = new MyScale({ name: 'scale' }).apply(tf.layers.flatten({ name: 'flat' }).apply(input));
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: classes, name: 'fc' }).apply(h) });
};
`,
  );
  const job = `t${process.pid}-custom-worker`;
  const c = await Coordinator.start(
    {
      train: parseTrainOptions({ ...runs.base, data, model: file, out: join(tmp.path, 'custom-worker') }),
      cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 1, workerWaitMs: 60_000 }),
    },
    memoryIo(),
  );
  try {
    const bin = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));
    // Asynchronously: the coordinator answering its join lives in this process's event loop.
    const child = spawn(process.execPath, [bin, 'worker', '--nats', nats.url, '--job', job, '--backend', TEST_BACKEND, '--join-timeout', '60'], {
      cwd: elsewhere.path,
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const status = await new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    const r = { status, stderr };
    assert.notEqual(r.status, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('syncgrad:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /uses the layer class MyScale.*--import FILE/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  } finally {
    await c.close();
  }
});
