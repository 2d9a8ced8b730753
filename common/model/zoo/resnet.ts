// torchvision's ResNet-18 and ResNet-50 (resnet.py, v1.5: the stride sits on the 3×3 conv of a
// bottleneck), NHWC.
import * as tf from '@tensorflow/tfjs';
import { add, batchNorm, conv, relu, type Sym } from './blocks.js';

type Block = 'basic' | 'bottleneck';

function basic(x: Sym, name: string, planes: number, stride: number, inPlanes: number): Sym {
  let h = relu(batchNorm(conv(x, `${name}.conv1`, { filters: planes, kernel: 3, stride }), `${name}.bn1`), `${name}.relu1`);
  h = batchNorm(conv(h, `${name}.conv2`, { filters: planes, kernel: 3, stride: 1 }), `${name}.bn2`);
  const identity = stride !== 1 || inPlanes !== planes ? downsample(x, name, planes, stride) : x;
  return relu(add(h, identity, `${name}.add`), `${name}.relu2`);
}

function bottleneck(x: Sym, name: string, planes: number, stride: number, inPlanes: number): Sym {
  const out = planes * 4;
  let h = relu(batchNorm(conv(x, `${name}.conv1`, { filters: planes, kernel: 1, stride: 1 }), `${name}.bn1`), `${name}.relu1`);
  h = relu(batchNorm(conv(h, `${name}.conv2`, { filters: planes, kernel: 3, stride }), `${name}.bn2`), `${name}.relu2`);
  h = batchNorm(conv(h, `${name}.conv3`, { filters: out, kernel: 1, stride: 1 }), `${name}.bn3`);
  const identity = stride !== 1 || inPlanes !== out ? downsample(x, name, out, stride) : x;
  return relu(add(h, identity, `${name}.add`), `${name}.relu3`);
}

function downsample(x: Sym, name: string, filters: number, stride: number): Sym {
  return batchNorm(conv(x, `${name}.downsample.0`, { filters, kernel: 1, stride }), `${name}.downsample.1`);
}

function resnet(name: string, block: Block, counts: number[], input: tf.SymbolicTensor, classes: number): tf.LayersModel {
  let h = relu(batchNorm(conv(input, 'conv1', { filters: 64, kernel: 7, stride: 2 }), 'bn1'), 'relu');
  // torch pads the max-pool with −inf; after a ReLU every value is ≥ 0, so zeros pick the same maxima.
  h = tf.layers.zeroPadding2d({ padding: 1, name: 'maxpool.pad' }).apply(h) as Sym;
  h = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'maxpool' }).apply(h) as Sym;
  const expansion = block === 'basic' ? 1 : 4;
  let inPlanes = 64;
  counts.forEach((count, stage) => {
    const planes = 64 * 2 ** stage;
    for (let i = 0; i < count; i++) {
      const stride = stage > 0 && i === 0 ? 2 : 1;
      h = (block === 'basic' ? basic : bottleneck)(h, `layer${stage + 1}.${i}`, planes, stride, inPlanes);
      inPlanes = planes * expansion;
    }
  });
  h = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(h) as Sym;
  const logits = tf.layers.dense({ units: classes, name: 'fc' }).apply(h) as Sym;
  return tf.model({ inputs: input, outputs: logits, name });
}

export const resnet18 = (input: Sym, classes: number) => resnet('resnet18', 'basic', [2, 2, 2, 2], input, classes);
export const resnet50 = (input: Sym, classes: number) => resnet('resnet50', 'bottleneck', [3, 4, 6, 3], input, classes);
