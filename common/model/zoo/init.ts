// torchvision's initialisation, drawn on the host from the run's seed so that every process and
// backend starts from the same weights: convolutions kaiming_normal_(mode='fan_out') (std
// √(2 / fan_out), fan_out = out channels × kernel area, a depthwise conv's out channels being its
// channels), BatchNorm weight 1 and bias 0, running mean 0 and variance 1. The classifier is
// Linear's default (U(±1/√fan_in)) in ResNet, N(0, 0.01) with zero bias in MobileNetV2.
import { Rng } from '../../rng.js';
import type { ParamSpec } from '../spec.js';

export type ClassifierInit = 'linear-default' | 'normal-0.01';

export function torchvisionInit(specs: readonly ParamSpec[], seed: number, classifier: ClassifierInit): Float32Array[] {
  return specs.map((s) => {
    const out = new Float32Array(s.size);
    const rng = Rng.derive(seed, 'init', s.name);
    const leaf = s.name.slice(s.name.lastIndexOf('/') + 1);
    if (leaf === 'gamma' || leaf === 'moving_variance') out.fill(1);
    else if (leaf === 'beta' || leaf === 'moving_mean') out.fill(0);
    else if (s.shape.length === 4) {
      // tfjs layouts: conv [kh, kw, in, out], depthwise [kh, kw, channels, 1].
      const [kh, kw, inC, outC] = s.shape as [number, number, number, number];
      const std = Math.sqrt(2 / (kh * kw * (leaf === 'depthwise_kernel' ? inC : outC)));
      for (let i = 0; i < out.length; i++) out[i] = rng.normal() * std;
    } else if (classifier === 'normal-0.01') {
      if (leaf === 'kernel') for (let i = 0; i < out.length; i++) out[i] = rng.normal() * 0.01;
    } else {
      const bound = 1 / Math.sqrt(s.fanIn);
      for (let i = 0; i < out.length; i++) out[i] = (rng.next() * 2 - 1) * bound;
    }
    return out;
  });
}
