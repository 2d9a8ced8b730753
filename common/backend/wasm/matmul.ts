// BatchMatMul for the wasm backend: transposed operands materialised, so XNNPACK does the product.
//
// tfjs-backend-wasm 4.22 hands a product to XNNPACK's GEMM only when neither transposeA nor
// transposeB is set and the batch is 1; everything else runs a scalar blocked triple loop at
// ~0.9 GFLOP/s. Backpropagation through a dense layer y = x·W asks for exactly those products:
// dx = dy·Wᵀ (transposeB) and dW = xᵀ·dy (transposeA). For a single (batch 1) product with a
// transpose we pick the cheaper of two exact rewrites, by elements copied (transposes, and XNNPACK
// packing its right-hand operand, which it does for every new weights tensor):
//   (1) C = op(A) · op(B) with the transposed operand(s) materialised;
//   (2) Cᵀ = op(B)ᵀ · op(A)ᵀ (no transposes where the flags cancel), then one transpose of Cᵀ.
// For the seed's fc1 at 256² (W: 61504×256) dx takes (2): only dy and the [N, 61504] result move,
// never W; dW takes (1): only xᵀ [61504, N] is copied. Batched products (batch > 1) keep the
// built-in kernel. A plain product with a large right-hand side and few rows (a dense layer's
// forward pass in training) also takes (2), see planMatMul. Sums run in a different order than the cpu backend's, which is float rounding.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../../errors.js';
import { asBackend, computeWithOps, replaceWasmKernel, type KernelFunc, type KernelParams } from './common.js';

const size = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);

export type MatMulPlan = 'original' | 'materialise' | 'transposed';

/** XNNPACK packing its right-hand operand costs about this many element copies per element. */
const PACK_COST = 3;
/** Below this many right-hand elements a plain product is cheap whatever its shape. */
const SMALL_RHS = 1 << 20;

/**
 * Which rewrite runs C = op(A)[M,K] · op(B)[K,N] (exported for tests and the doc). Without
 * transposes the built-in kernel runs unless B is large and M < N: then packing B (which XNNPACK
 * redoes whenever B is a new tensor, e.g. a weight matrix after every optimizer step) costs more
 * than transposing it and computing Cᵀ = Bᵀ·Aᵀ. That is the seed's fc1 forward in training:
 * [N, 61504]·[61504, 256] at 256², where packing took ~0.2 s a step.
 */
export function planMatMul(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const ta = transposeA ? 1 : 0;
  const tb = transposeB ? 1 : 0;
  const materialise = ta * m * k + tb * k * n + PACK_COST * k * n;
  const transposed = (1 - tb) * k * n + (1 - ta) * m * k + PACK_COST * m * k + m * n;
  if (!transposeA && !transposeB) return m < n && k * n >= SMALL_RHS && transposed < materialise ? 'transposed' : 'original';
  return transposed < materialise ? 'transposed' : 'materialise';
}

function makeBatchMatMul(original: KernelFunc | undefined): KernelFunc {
  return (params: KernelParams) => {
    const { inputs, backend, attrs } = params;
    const { a, b } = inputs as { a?: tf.TensorInfo; b?: tf.TensorInfo };
    const { transposeA = false, transposeB = false } = (attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
    if (a == null || b == null) throw new BackendError('wasm BatchMatMul: inputs a and b are required');
    if (original == null) throw new BackendError('wasm BatchMatMul: the built-in kernel is missing');
    const ra = a.shape.length;
    const rb = b.shape.length;
    const single = ra >= 2 && rb >= 2 && size(a.shape.slice(0, -2)) === 1 && size(b.shape.slice(0, -2)) === 1;
    if (!single || a.dtype !== 'float32' || b.dtype !== 'float32') return original(params);
    const [ar, ac] = a.shape.slice(-2) as [number, number];
    const [br, bc] = b.shape.slice(-2) as [number, number];
    const m = transposeA ? ac : ar;
    const k = transposeA ? ar : ac;
    const n = transposeB ? br : bc;
    if ((transposeB ? bc : br) !== k) {
      throw new BackendError(
        `wasm BatchMatMul: inner dimensions of [${a.shape.join(',')}] and [${b.shape.join(',')}] (transposeA=${transposeA}, transposeB=${transposeB}) differ`,
      );
    }
    if (m * k * n === 0) return original(params);
    const lead = ra >= rb ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    const plan = planMatMul(m, k, n, transposeA, transposeB);
    if (plan === 'original') return original(params);
    return computeWithOps(asBackend(backend), [a, b], (at, bt) => {
      const A = tf.reshape<tf.Rank.R2>(at, [ar, ac]);
      const B = tf.reshape<tf.Rank.R2>(bt, [br, bc]);
      let c: tf.Tensor2D;
      if (plan === 'materialise') {
        c = tf.matMul(transposeA ? tf.transpose(A) : A, transposeB ? tf.transpose(B) : B);
      } else {
        // Cᵀ = op(B)ᵀ · op(A)ᵀ: op(B)ᵀ is B as stored when transposeB, op(A)ᵀ is A as stored when transposeA.
        const ct = tf.matMul(transposeB ? B : tf.transpose(B), transposeA ? A : tf.transpose(A));
        c = tf.transpose(ct) as tf.Tensor2D;
      }
      return tf.reshape(c, [...lead, m, n]);
    });
  };
}

export function registerMatMulKernels(): void {
  replaceWasmKernel('BatchMatMul', makeBatchMatMul);
}
