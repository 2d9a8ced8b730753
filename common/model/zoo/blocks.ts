// The pieces torchvision's classifiers are made of, as tfjs-layers layers named by torchvision's
// module paths (`layer1.0.conv1`, `features.3.conv.1.0`), so that weights map to a state_dict
// name for name. Convolutions pad as torch does: `same` where stride 1 gives torch's symmetric
// padding, explicit zero padding then `valid` where stride 2 (tfjs's `same` would pad only the
// bottom and right of an even input, and the weights would see shifted pixels).
import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from '../layers/batch-norm.js';
import '../activations.js';

export type Sym = tf.SymbolicTensor;

export interface ConvArgs {
  filters: number;
  kernel: number;
  stride: number;
  /** Depthwise (groups = channels), as torch's Conv2d(groups=C). */
  depthwise?: boolean;
  bias?: boolean;
}

export function conv(x: Sym, name: string, a: ConvArgs): Sym {
  const pad = (a.kernel - 1) / 2;
  let input = x;
  let padding: 'same' | 'valid' = 'same';
  if (a.stride !== 1 && pad > 0) {
    input = tf.layers.zeroPadding2d({ padding: pad, name: `${name}.pad` }).apply(x) as Sym;
    padding = 'valid';
  }
  const common = { kernelSize: a.kernel, strides: a.stride, padding, useBias: a.bias ?? false, name };
  const layer = a.depthwise ? tf.layers.depthwiseConv2d({ ...common, depthMultiplier: 1 }) : tf.layers.conv2d({ ...common, filters: a.filters });
  return layer.apply(input) as Sym;
}

export function batchNorm(x: Sym, name: string): Sym {
  return new BatchNorm({ name }).apply(x) as Sym;
}

/** ReLU, or ReLU6 (`six`): the 'relu6' activation runs tf.relu6 (model/activations.ts), whose gradient has a native kernel; tfjs-layers' reLU({ maxValue }) clips instead. */
export function relu(x: Sym, name: string, six = false): Sym {
  return (six ? tf.layers.activation({ activation: 'relu6', name }) : tf.layers.reLU({ name })).apply(x) as Sym;
}

export function add(a: Sym, b: Sym, name: string): Sym {
  return tf.layers.add({ name }).apply([a, b]) as Sym;
}
