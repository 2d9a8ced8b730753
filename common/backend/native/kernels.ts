// Faster kernels for the native TensorFlow backend (tfjs-node's 'tensorflow'), in the seam tfjs
// leaves for it: a kernel is a function from tensors to tensors, and tfjs-node runs each one as one
// or more eager TensorFlow ops. Where tfjs-node builds a kernel out of several generic ops, or
// calls TensorFlow's slow generic implementation, we run the single op TensorFlow itself uses.
//
// Measured on the seed CNN, 64² batch 16, one thread (2-vCPU Sapphire Rapids, TF 2.21 from the
// tensorflow-cpu wheel), per call at conv1's [16, 64, 64, 256]; docs/performance.md has the step:
// - ReLU's gradient: tfjs's relu gradient and our conv block read relu' off `step(y)`, which
//   tfjs-node composes from IsNan, Greater, Fill, Select and a Multiply: 127 ms. TensorFlow's own
//   ReluGrad op does it in one pass: 32 ms. (SyncgradReluGrad below; common/model/ops.ts uses it.)
// - The bias gradient, a Sum over every axis but the channels: TF's generic reduction 30 ms,
//   BiasAddGrad 5 ms. (Sum, for exactly that reduction.)
// - MaxPoolGrad: TF's generic CPU kernel recomputes each window's argmax with Eigen, 108 ms.
//   oneDNN's pooling backward (_MklNativeMaxPoolGrad, the op TF's own graph rewrite substitutes)
//   takes 34 ms plus 13 ms for the forward pass that yields its workspace. (MaxPoolGrad.)
// - The forward conv + bias + relu: tfjs-node runs Conv2D, a broadcasting AddV2 and Relu, 65 ms;
//   oneDNN's conv with the bias fused and then Relu, 50 ms. (FusedConv2D.)
//
// The oneDNN ops are TensorFlow's internal `_MklNative*` ops, reached eagerly with the kernel label
// TF's rewrite pass sets. They exist only in x86-64 CPU builds with oneDNN and have no GPU kernels,
// so each replacement is probed once against the op it replaces (ties included) and installed only
// where it gives the same answer; elsewhere tfjs-node's kernels stay. Results are bit-identical to
// the replaced ops in the probe; test/native.test.ts checks them against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';

/** The kernel name our conv block's backward pass asks for: dy where y > 0, else 0. */
export const RELU_GRAD_KERNEL = 'SyncgradReluGrad';
/** dy where 0 < x < 6, else 0: ReLU6's gradient (MobileNetV2's activation). */
export const RELU6_GRAD_KERNEL = 'SyncgradRelu6Grad';
/**
 * BatchNorm in training as TensorFlow's fused op: x, scale, offset → y, the batch mean, the batch
 * variance with Bessel's correction (what a running average takes), and the three reserve spaces
 * its gradient needs. tfjs composes a BatchNorm and its gradient from a dozen small ops. Given the
 * running mean and variance and a `momentum`, the second and third outputs are the running
 * statistics updated as torch does, (1 − momentum) · running + momentum · batch, in the same op:
 * six small ops fewer per BatchNorm and step.
 */
export const BATCH_NORM_TRAIN_KERNEL = 'SyncgradFusedBatchNorm';
/** FusedBatchNormGradV3: dy, x, scale and the reserve spaces → dx, dscale, doffset. */
export const BATCH_NORM_GRAD_KERNEL = 'SyncgradFusedBatchNormGrad';
/**
 * dst [1, n], src [1, n] → dst, with src's values written into dst's own buffer: TensorFlow's
 * InplaceUpdate aliases its input. Where dst wraps a typed array's memory (optim/tf-adam.ts), that
 * is one copy from TensorFlow into JS memory, with no array allocated for it: gathering resnet18's
 * 11.2 M gradient values this way took 0.78 ms per million against 3.19 for dataSync and a copy.
 */
export const COPY_INTO_KERNEL = 'SyncgradCopyInto';

/** What we use of tfjs-node's NodeJSKernelBackend. */
interface NodeBackend {
  binding: {
    TF_ATTR_STRING: number;
    TF_ATTR_INT: number;
    TF_ATTR_TYPE: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_FLOAT: number;
    TF_FLOAT: number;
  };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[], outputs: number): tf.Tensor[];
}

interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

type KernelFunc = tf.KernelFunc;

/** Which replacements this process installed, for `doctor` and the bench's JSON. */
export interface NativeKernelReport {
  installed: string[];
  /** Replacements whose probe failed, with the first line of why. */
  skipped: Record<string, string>;
}

const BACKEND = 'tensorflow';
/** tfjs-node names TF's oneDNN kernels by this label; TF's graph rewrite sets the same. */
const ONEDNN_LABEL = 'MklNameChangeOp';

const report: NativeKernelReport = { installed: [], skipped: {} };
let registered = false;

function attrsOf(b: NodeBackend) {
  const B = b.binding;
  return {
    type: (name = 'T'): OpAttr => ({ name, type: B.TF_ATTR_TYPE, value: B.TF_FLOAT }),
    str: (name: string, value: string): OpAttr => ({ name, type: B.TF_ATTR_STRING, value }),
    ints: (name: string, value: number[]): OpAttr => ({ name, type: B.TF_ATTR_INT, value }),
    oneDnn: (): OpAttr => ({ name: '_kernel', type: B.TF_ATTR_STRING, value: ONEDNN_LABEL }),
    float: (name: string, value: number): OpAttr => ({ name, type: B.TF_ATTR_FLOAT, value }),
    bool: (name: string, value: boolean): OpAttr => ({ name, type: B.TF_ATTR_BOOL, value }),
  };
}

function asNode(backend: unknown): NodeBackend {
  return backend as NodeBackend;
}

/** ReluGrad(gradients = dy, features = y): y is a ReLU's output, so y > 0 exactly where its input was. */
const reluGrad: KernelFunc = ({ inputs, backend }) => {
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const b = asNode(backend);
  return b.executeSingleOutput('ReluGrad', [attrsOf(b).type()], [dy, y]);
};

/** Relu6Grad(gradients = dy, features = x). */
const relu6Grad: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const b = asNode(backend);
  return b.executeSingleOutput('Relu6Grad', [attrsOf(b).type()], [dy, x]);
};

/**
 * TensorFlow's BatchNorm ops, or oneDNN's (the pair TF's graph rewrite substitutes; its reserve
 * space is oneDNN's workspace, so the forward and the gradient switch together). oneDNN's pair took
 * 49.6 ms against 57.9 over resnet18's BatchNorms of one step at 128², batch 16, one thread, with
 * bit-identical results; registerNativeKernels takes it where a probe gives the same answer.
 */
const batchNormOps = { forward: 'FusedBatchNormV3', grad: 'FusedBatchNormGradV3', oneDnn: false };

function batchNormAttrs(b: NodeBackend, epsilon: number): OpAttr[] {
  const a = attrsOf(b);
  return [
    a.type(),
    a.type('U'),
    a.float('epsilon', epsilon),
    a.str('data_format', 'NHWC'),
    a.bool('is_training', true),
    ...(batchNormOps.oneDnn ? [a.oneDnn()] : []),
  ];
}

const batchNormTrain: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, scale, offset, mean, variance } = inputs as Record<'x' | 'scale' | 'offset', tf.TensorInfo> & Partial<Record<'mean' | 'variance', tf.TensorInfo>>;
  const { epsilon, momentum } = attrs as { epsilon: number; momentum?: number };
  const b = asNode(backend);
  const running = mean !== undefined && variance !== undefined && momentum !== undefined;
  // In training with no running average to fold in, TF takes empty mean and variance inputs.
  const empty = running ? undefined : tf.tensor1d([], 'float32');
  try {
    return b.executeMultipleOutputs(
      batchNormOps.forward,
      [...batchNormAttrs(b, epsilon), attrsOf(b).float('exponential_avg_factor', running ? momentum : 1)],
      [x, scale, offset, mean ?? empty!, variance ?? empty!],
      6,
    );
  } finally {
    empty?.dispose();
  }
};

const batchNormGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, scale, r1, r2, r3 } = inputs as Record<'dy' | 'x' | 'scale' | 'r1' | 'r2' | 'r3', tf.TensorInfo>;
  const b = asNode(backend);
  const [dx, dScale, dOffset, s4, s5] = b.executeMultipleOutputs(
    batchNormOps.grad,
    batchNormAttrs(b, (attrs as { epsilon: number }).epsilon),
    [dy, x, scale, r1, r2, r3],
    5,
  );
  tf.dispose([s4!, s5!]);
  return [dx!, dScale!, dOffset!];
};

const copyInto: KernelFunc = ({ inputs, backend }) => {
  const { dst, src } = inputs as { dst: tf.TensorInfo; src: tf.TensorInfo };
  const b = asNode(backend);
  const row = tf.tensor1d([0], 'int32');
  try {
    return b.executeSingleOutput('InplaceUpdate', [attrsOf(b).type()], [dst, row, src]);
  } finally {
    row.dispose();
  }
};

/** Sum over every axis but the last (a bias gradient) as BiasAddGrad; anything else as before. */
function makeSum(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const allButLast = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (!allButLast || keepDims || x.dtype !== 'float32') return original(args);
    const b = asNode(args.backend);
    const a = attrsOf(b);
    return b.executeSingleOutput('BiasAddGrad', [a.type(), a.str('data_format', 'NHWC')], [x]);
  };
}

function poolAttrs(b: NodeBackend, attrs: tf.MaxPoolGradAttrs, inputShape: number[]): OpAttr[] | undefined {
  const info = tf.backend_util.computePool2DInfo(
    inputShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const padding = info.padInfo.type;
  if (padding !== 'VALID' && padding !== 'SAME') return undefined;
  const a = attrsOf(b);
  return [
    a.type(),
    a.ints('ksize', [1, info.filterHeight, info.filterWidth, 1]),
    a.ints('strides', [1, info.strideHeight, info.strideWidth, 1]),
    a.str('padding', padding),
    a.str('data_format', 'NHWC'),
    a.oneDnn(),
  ];
}

/** oneDNN's max-pool backward, with the workspace (each window's argmax) from its forward pass. */
function makeMaxPoolGrad(original: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, input, output } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
    const b = asNode(args.backend);
    const attrs = input.dtype === 'float32' && input.shape.length === 4 ? poolAttrs(b, args.attrs as unknown as tf.MaxPoolGradAttrs, input.shape) : undefined;
    if (!attrs) return original(args);
    const [pooled, workspace] = b.executeMultipleOutputs('_MklNativeMaxPool', attrs, [input], 2);
    try {
      return b.executeSingleOutput('_MklNativeMaxPoolGrad', attrs, [input, output, dy, workspace!]);
    } finally {
      pooled!.dispose();
      workspace!.dispose();
    }
  };
}

/** conv2d + bias (+ relu) as oneDNN's conv with the bias fused, then Relu; other cases as before. */
function makeFusedConv2D(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const o = args.attrs as unknown as tf.FusedConv2DAttrs;
    const plain = bias != null && preluActivationWeights == null && (o.activation === 'relu' || o.activation === 'linear') && o.dataFormat === 'NHWC';
    const dilated = (Array.isArray(o.dilations) ? o.dilations : [o.dilations, o.dilations]).some((d) => d !== 1);
    if (!plain || dilated || typeof o.pad !== 'string' || o.dimRoundingMode != null || x!.dtype !== 'float32' || bias.shape.length !== 1) return original(args);
    const b = asNode(args.backend);
    const a = attrsOf(b);
    const [sh, sw] = Array.isArray(o.strides) ? o.strides : [o.strides, o.strides];
    const conv = b.executeSingleOutput(
      '_MklNativeConv2DWithBias',
      [
        a.type(),
        a.ints('strides', [1, sh, sw, 1]),
        a.str('padding', o.pad.toUpperCase()),
        a.str('data_format', 'NHWC'),
        a.ints('dilations', [1, 1, 1, 1]),
        a.oneDnn(),
      ],
      [x!, filter!, bias],
    );
    if (o.activation === 'linear') return conv;
    try {
      return b.executeSingleOutput('Relu', [a.type()], [conv]);
    } finally {
      conv.dispose();
    }
  };
}

/** Deterministic probe inputs with ties: a ReLU'd ramp quantised to a few levels, so windows repeat values. */
function probeTensor(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.max(0, Math.round((((i * 7919 + seed * 104729) % 997) / 997) * 6 - 2));
  return tf.tensor(v, shape, 'float32');
}

function sameValues(a: tf.Tensor, b: tf.Tensor, tolerance: number): boolean {
  if (a.shape.join() !== b.shape.join()) return false;
  const x = a.dataSync();
  const y = b.dataSync();
  for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i]! - y[i]!) <= tolerance * (1 + Math.abs(y[i]!)))) return false;
  return true;
}

/** Runs `check` with the replacement installed; keeps it if the answer matches, restores the original otherwise. */
function install(name: string, make: (original: KernelFunc) => KernelFunc, check: () => boolean): void {
  const existing = tf.getKernel(name, BACKEND);
  if (!existing) {
    report.skipped[name] = 'tfjs-node has no such kernel';
    return;
  }
  const reference = existing.kernelFunc;
  tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({ ...existing, kernelFunc: make(reference) });
  let why: string | undefined;
  try {
    if (!check()) why = 'gave a different answer from the kernel it replaces';
  } catch (e) {
    why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }
  if (why === undefined) {
    report.installed.push(name);
    return;
  }
  report.skipped[name] = why;
  tf.unregisterKernel(name, BACKEND);
  tf.registerKernel(existing);
}

/**
 * Installs the replacements on the tensorflow backend (call once it is the active backend). Each is
 * probed against tfjs-node's own kernel first; idempotent.
 */
export function registerNativeKernels(): NativeKernelReport {
  if (registered) return report;
  registered = true;
  tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: BACKEND, kernelFunc: reluGrad });
  report.installed.push(RELU_GRAD_KERNEL);
  tf.registerKernel({ kernelName: RELU6_GRAD_KERNEL, backendName: BACKEND, kernelFunc: relu6Grad });
  report.installed.push(RELU6_GRAD_KERNEL);
  tf.registerKernel({ kernelName: BATCH_NORM_TRAIN_KERNEL, backendName: BACKEND, kernelFunc: batchNormTrain });
  tf.registerKernel({ kernelName: BATCH_NORM_GRAD_KERNEL, backendName: BACKEND, kernelFunc: batchNormGrad });
  report.installed.push(BATCH_NORM_TRAIN_KERNEL, BATCH_NORM_GRAD_KERNEL);
  useOneDnnBatchNorm();
  // Whether the copy lands where it should is the caller's probe (it knows what memory dst wraps).
  tf.registerKernel({ kernelName: COPY_INTO_KERNEL, backendName: BACKEND, kernelFunc: copyInto });
  report.installed.push(COPY_INTO_KERNEL);
  registerActivationGradients();

  const reference = <T>(name: string, run: () => T): T => {
    // The kernel as tfjs-node registered it, for the probe's expected answer.
    const mine = tf.getKernel(name, BACKEND);
    const original = (mine.kernelFunc as KernelFunc & { original?: KernelFunc }).original;
    if (!original) return run();
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ ...mine, kernelFunc: original });
    try {
      return run();
    } finally {
      tf.unregisterKernel(name, BACKEND);
      tf.registerKernel(mine);
    }
  };
  const withOriginal = (make: (o: KernelFunc) => KernelFunc) => (original: KernelFunc) => Object.assign(make(original), { original });

  install('Sum', withOriginal(makeSum), () =>
    tf.tidy(() => {
      const x = probeTensor([2, 3, 5, 4], 1);
      const want = reference('Sum', () => tf.sum(x, [0, 1, 2]));
      return (
        sameValues(tf.sum(x, [0, 1, 2]), want, 1e-6) &&
        sameValues(
          tf.sum(x, 3),
          reference('Sum', () => tf.sum(x, 3)),
          0,
        )
      );
    }),
  );
  install('MaxPoolGrad', withOriginal(makeMaxPoolGrad), () =>
    tf.tidy(() => {
      const x = probeTensor([2, 6, 6, 3], 2);
      const dy = probeTensor([2, 3, 3, 3], 3);
      const g = (): tf.Tensor => tf.grad((t: tf.Tensor) => tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), dy))(x);
      return sameValues(g(), reference('MaxPoolGrad', g), 0);
    }),
  );
  install('FusedConv2D', withOriginal(makeFusedConv2D), () =>
    tf.tidy(() => {
      const x = probeTensor([2, 5, 5, 3], 4);
      const w = tf.sub<tf.Tensor4D>(probeTensor([3, 3, 3, 4], 5), 1);
      const bias = tf.tensor1d([0.5, -1, 0, 2]);
      const run = () => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w, bias, strides: 1, pad: 'same', activation: 'relu' });
      return sameValues(run(), reference('FusedConv2D', run), 1e-5);
    }),
  );
  return report;
}

/** Switches the BatchNorm kernels to oneDNN's pair if, on a probe, they give TensorFlow's answers: output, running statistics and gradients. */
function useOneDnnBatchNorm(): void {
  const run = () =>
    tf.tidy(() => {
      const x = tf.sub(probeTensor([2, 3, 5, 4], 8), 1);
      const dy = tf.sub(probeTensor([2, 3, 5, 4], 9), 1.5);
      const [scale, offset, mean, variance] = [
        tf.tensor1d([1, 0.5, 2, 1.5]),
        tf.tensor1d([0, 1, -1, 0.5]),
        tf.tensor1d([0.1, 0, -0.2, 0.3]),
        tf.tensor1d([1, 2, 0.5, 1]),
      ];
      const out = tf.engine().runKernel<tf.Tensor[]>(BATCH_NORM_TRAIN_KERNEL, { x, scale, offset, mean, variance }, { epsilon: 1e-5, momentum: 0.1 });
      const grads = tf.engine().runKernel<tf.Tensor[]>(BATCH_NORM_GRAD_KERNEL, { dy, x, scale, r1: out[3]!, r2: out[4]!, r3: out[5]! }, { epsilon: 1e-5 });
      return [...out.slice(0, 3), ...grads];
    });
  const want = run();
  Object.assign(batchNormOps, { forward: '_MklNativeFusedBatchNormV3', grad: '_MklNativeFusedBatchNormGradV3', oneDnn: true });
  let why = 'gave a different answer from the kernel it replaces';
  try {
    const got = run();
    const same = got.length === want.length && got.every((g, i) => sameValues(g, want[i]!, 1e-6));
    tf.dispose(got);
    if (same) {
      report.installed.push(batchNormOps.forward);
      return;
    }
  } catch (e) {
    // Not in this build (no oneDNN): TensorFlow's own ops stay.
    why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
  } finally {
    tf.dispose(want);
  }
  Object.assign(batchNormOps, { forward: 'FusedBatchNormV3', grad: 'FusedBatchNormGradV3', oneDnn: false });
  report.skipped['_MklNativeFusedBatchNormV3'] = why;
}

/**
 * tfjs's Relu and Relu6 gradients build relu' from step() and comparisons (five ops on
 * tfjs-node); where this backend has TensorFlow's ReluGrad and Relu6Grad, use them. ReLU6's
 * gradient is zero at 6 itself, as in TensorFlow and torch (tfjs's own passes it there). The gradient
 * registry is global, so each gradient checks the active backend and falls back to tfjs's formula.
 */
function registerActivationGradients(): void {
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const native = tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) != null;
      return { x: () => (native ? tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: dy as tf.Tensor, y: x }) : tf.mul(dy as tf.Tensor, tf.step(x))) };
    },
  });
  tf.registerGradient({
    kernelName: tf.Relu6,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const native = tf.getKernel(RELU6_GRAD_KERNEL, tf.getBackend()) != null;
      return {
        x: () =>
          native
            ? tf.engine().runKernel(RELU6_GRAD_KERNEL, { dy: dy as tf.Tensor, x })
            : tf.mul(dy as tf.Tensor, tf.cast(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6)), 'float32')),
      };
    },
  });
}

export function nativeKernelReport(): NativeKernelReport {
  return report;
}
