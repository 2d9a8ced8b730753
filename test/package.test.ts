// The package as a user gets it: `npm pack`, installed into an empty directory, and a script there
// that trains a model of its own through the library API (and type-checks against its types).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, tinyShapes, type TempDir } from './helpers/fixtures.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let tmp: TempDir;

before(async () => {
  tmp = await tempDir('syncgrad-pack-');
});
after(async () => {
  await tmp?.[Symbol.asyncDispose]();
});

function npm(args: string[], cwd: string) {
  // The suite built dist/ already; no lifecycle script runs here (prepare would rebuild it under the other tests' feet).
  const r = spawnSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('package - npm pack installs into an empty directory, and a script there trains its own model through the API, typed', async () => {
  npm(['pack', '--pack-destination', tmp.path], root);
  const tarball = readdirSync(tmp.path).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  const app = join(tmp.path, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  npm(['install', '--prefer-offline', join(tmp.path, tarball)], app);
  const data = await tinyShapes(join(tmp.path, 'shapes'), 4, 16);
  const script = `import { tf, layers, models, train } from 'syncgrad';

const net = ({ imageSize, channels, classes }: { imageSize: number; channels: number; classes: number }) => {
  const input = tf.input({ shape: [imageSize, imageSize, channels] });
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  h = layers.batchNorm().apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU().apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  h = layers.sampleDropout({ rate: 0.1 }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: classes }).apply(h) as tf.SymbolicTensor });
};

const description = await models.describe(net, { imageSize: 16, classes: 6 });
const report = await train({ data: ${JSON.stringify(data)}, model: net, imageSize: 16, epochs: 1, batchSize: 8, maxStepsPerEpoch: 2, backend: 'cpu', audit: false, out: 'run', io: 'quiet' });
console.log(JSON.stringify({ model: report.model, params: report.params, layers: description.layers!.layers.length, steps: report.totalSteps }));
`;
  await writeFile(join(app, 'train.ts'), script);
  await writeFile(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: [] },
      include: ['train.ts'],
    }),
  );
  const types = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
  assert.equal(types.status, 0, `the API's types: ${types.stdout}${types.stderr}`);
  // Run as JavaScript (the same script, types stripped by the compiler the user has).
  const js = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', 'out'], {
    cwd: app,
    encoding: 'utf8',
  });
  assert.equal(js.status, 0, js.stdout + js.stderr);
  const run = spawnSync(process.execPath, ['out/train.js'], { cwd: app, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { model: string; params: number; layers: number; steps: number };
  assert.equal(out.model, 'custom');
  assert.equal(out.steps, 2);
  // conv 3·3·3·4, BatchNorm 2·4, dense 4·6 + 6.
  assert.equal(out.params, 108 + 8 + 30);
});
