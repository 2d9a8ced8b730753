// The zoo's models as torchvision's state_dict: the layers carry torchvision's module paths as
// names (zoo/blocks.ts), so `layer1.0.conv1/kernel` is `layer1.0.conv1.weight`. Layouts turn to
// torch's: conv [kh, kw, in, out] → [out, in, kh, kw], a depthwise conv [kh, kw, C, 1] → [C, 1, kh,
// kw], dense [in, out] → [out, in]. BatchNorm's gamma, beta and running statistics become weight,
// bias, running_mean and running_var, and num_batches_tracked counts the steps (one running-
// statistics update a step, train/step.ts). Global average pooling comes before the classifier,
// so no flatten order is involved.
import { ConfigError } from '../errors.js';
import { archOf, type ModelConfig } from '../model/spec.js';
import { ZOO_IMAGE_SIZES } from '../model/choice.js';
import { convToOihw, type NamedTensor } from './safetensors.js';

const BN_NAMES: Record<string, string> = { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var' };

/** [kh, kw, C, 1] → [C, 1, kh, kw]. */
function depthwiseToTorch(w: Float32Array, [kh, kw, c]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh!; y++) for (let x = 0; x < kw!; x++) for (let i = 0; i < c!; i++) out[(i * kh! + y) * kw! + x] = w[(y * kw! + x) * c! + i]!;
  return out;
}

function transpose2d(w: Float32Array, [rows, cols]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows!; r++) for (let c = 0; c < cols!; c++) out[c * rows! + r] = w[r * cols! + c]!;
  return out;
}

export function torchvisionStateDict(config: ModelConfig, weights: readonly Float32Array[], steps: number): NamedTensor[] {
  const arch = archOf(config);
  if (!config.layers || !(arch in ZOO_IMAGE_SIZES))
    throw new ConfigError(`safetensors export writes the seed CNN's and the zoo's PyTorch modules; ${arch} has no PyTorch twin: use --format tfjs`);
  const out: NamedTensor[] = [];
  const bnLayers = new Set<string>();
  config.layers.params.forEach((s, i) => {
    const slash = s.name.lastIndexOf('/');
    const layer = s.name.slice(0, slash);
    const leaf = s.name.slice(slash + 1);
    const w = weights[i]!;
    if (leaf in BN_NAMES) {
      bnLayers.add(layer);
      out.push({ name: `${layer}.${BN_NAMES[leaf]}`, shape: [...s.shape], data: w });
    } else if (leaf === 'bias') out.push({ name: `${layer}.bias`, shape: [...s.shape], data: w });
    else if (leaf === 'depthwise_kernel') {
      const [kh, kw, c] = s.shape as [number, number, number];
      out.push({ name: `${layer}.weight`, shape: [c, 1, kh, kw], data: depthwiseToTorch(w, s.shape) });
    } else if (s.shape.length === 4) {
      const [kh, kw, cin, cout] = s.shape as [number, number, number, number];
      out.push({ name: `${layer}.weight`, shape: [cout, cin, kh, kw], data: convToOihw(w, s.shape) });
    } else if (s.shape.length === 2) out.push({ name: `${layer}.weight`, shape: [s.shape[1]!, s.shape[0]!], data: transpose2d(w, s.shape) });
    else throw new ConfigError(`${s.name}: no torchvision counterpart`);
  });
  for (const layer of bnLayers) out.push({ name: `${layer}.num_batches_tracked`, shape: [], data: new BigInt64Array([BigInt(steps)]) });
  return out;
}
