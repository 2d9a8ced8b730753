// `syncgrad doctor` on native TensorFlow: the version, the library's path, oneDNN, the threads,
// and what TensorFlow's own log says about GPUs (parsed from lines as TF 2.21 writes them; this
// machine has no GPU).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGpuLog, probeNative } from '../common/setup/facts.js';
import { PACKAGE_ROOT } from '../common/paths.js';
import { cli } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

const native = TEST_BACKEND === 'tensorflow';

test(
  "doctor - names native TensorFlow's version, library, oneDNN and threads, and auto picks it",
  { skip: !native && 'the suite runs without native TensorFlow here' },
  async () => {
    const r = await cli('doctor');
    assert.equal(r.code, 0, r.err.join('\n'));
    const text = r.out.join('\n');
    assert.match(text, /^native TensorFlow 2\.21\.0 \(cpu build\): \/\S+\/tensorflow\/cpu-2\.21\.0\/lib\/libtensorflow_cc\.so\.2$/m);
    assert.match(text, /^ {2}oneDNN: on \(/m);
    assert.match(text, /^ {2}threads: intra-op \d+, inter-op \d+ /m);
    assert.match(text, /^ {2}GPU: none \(the CPU build; `syncgrad setup --gpu` installs the CUDA 12 build\)$/m);
    assert.match(
      text,
      /^ {2}syncgrad's kernels on it: SyncgradReluGrad SyncgradRelu6Grad SyncgradFusedBatchNorm SyncgradFusedBatchNormGrad _MklNativeFusedBatchNormV3 SyncgradCopyInto Sum MaxPoolGrad FusedConv2D$/m,
    );
    assert.match(text, /^ {2}ok {3}tensorflow {2}@tensorflow\/tfjs-node@4\.22\.0$/m);
    assert.match(text, /^auto selects: tensorflow$/m);
  },
);

test(
  'doctor - the threads TensorFlow takes from the environment are the ones it reports',
  { skip: !native && 'the suite runs without native TensorFlow here' },
  async () => {
    const saved = process.env.TF_NUM_INTRAOP_THREADS;
    process.env.TF_NUM_INTRAOP_THREADS = '1';
    try {
      const facts = await probeNative(PACKAGE_ROOT);
      assert.ok(facts.ok, facts.reason);
      assert.equal(facts.threads.intraOp, 1);
      assert.equal(facts.tensorflowVersion, '2.21.0');
      assert.equal(facts.usingGpu, false);
    } finally {
      if (saved === undefined) delete process.env.TF_NUM_INTRAOP_THREADS;
      else process.env.TF_NUM_INTRAOP_THREADS = saved;
    }
  },
);

test("doctor - TensorFlow's log gives the GPUs it created devices for, or the CUDA libraries it could not load", () => {
  const ok = parseGpuLog(
    [
      'I0000 00:00:1796518051.753814    2820 gpu_device.cc:2020] Created device /job:localhost/replica:0/task:0/device:GPU:0 with 78642 MB memory:  -> device: 0, name: NVIDIA H100 80GB HBM3, pci bus id: 0000:00:05.0, compute capability: 9.0',
      'I0000 00:00:1796518051.790793    2820 cpu_feature_guard.cc:227] This TensorFlow binary is optimized ...',
    ].join('\n'),
  );
  assert.deepEqual(ok, { gpus: ['GPU:0 NVIDIA H100 80GB HBM3, pci bus id: 0000:00:05.0, compute capability: 9.0, 78642 MB'], errors: [] });
  const missing = parseGpuLog(
    [
      "W0000 00:00:1796518051.1 2820 dso_loader.cc:64] Could not load dynamic library 'libcudnn.so.9'; dlerror: libcudnn.so.9: cannot open shared object file: No such file or directory",
      'W0000 00:00:1796518051.2 2820 gpu_device.cc:2341] Cannot dlopen some GPU libraries. Please make sure the missing libraries mentioned above are installed properly if you would like to use GPU.',
    ].join('\n'),
  );
  assert.deepEqual(missing.gpus, []);
  assert.equal(missing.errors.length, 2);
  assert.match(missing.errors[0]!, /^Could not load dynamic library 'libcudnn\.so\.9'; dlerror: /);
});
