// torchvision's MobileNetV2 (mobilenetv2.py, width 1.0), NHWC: inverted residuals of
// expand 1×1, depthwise 3×3 and project 1×1, ReLU6, then Dropout(0.2) and the classifier. The
// dropout is SampleDropout, keyed by sample like the seed CNN's.
import * as tf from '@tensorflow/tfjs';
import { SampleDropout } from '../layers/sample-dropout.js';
import { add, batchNorm, conv, relu, type Sym } from './blocks.js';

/** torchvision's inverted_residual_setting: expansion t, channels c, repeats n, first stride s. */
const SETTING: [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Conv2d + BatchNorm2d + ReLU6, torchvision's Conv2dNormActivation at `name.0`, `name.1`. */
function convBnRelu6(x: Sym, name: string, filters: number, kernel: number, stride: number, depthwise = false): Sym {
  return relu(batchNorm(conv(x, `${name}.0`, { filters, kernel, stride, depthwise }), `${name}.1`), `${name}.2`, true);
}

function invertedResidual(x: Sym, name: string, inp: number, oup: number, stride: number, t: number): Sym {
  const hidden = Math.round(inp * t);
  let h = x;
  let i = 0;
  if (t !== 1) h = convBnRelu6(h, `${name}.conv.${i++}`, hidden, 1, 1);
  h = convBnRelu6(h, `${name}.conv.${i++}`, hidden, 3, stride, true);
  h = batchNorm(conv(h, `${name}.conv.${i}`, { filters: oup, kernel: 1, stride: 1 }), `${name}.conv.${i + 1}`);
  return stride === 1 && inp === oup ? add(x, h, `${name}.add`) : h;
}

export function mobilenetV2(input: Sym, classes: number): tf.LayersModel {
  let h = convBnRelu6(input, 'features.0', 32, 3, 2);
  let inp = 32;
  let index = 1;
  for (const [t, c, n, s] of SETTING) {
    for (let i = 0; i < n; i++) {
      h = invertedResidual(h, `features.${index++}`, inp, c, i === 0 ? s : 1, t);
      inp = c;
    }
  }
  h = convBnRelu6(h, `features.${index}`, 1280, 1, 1);
  h = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(h) as Sym;
  h = new SampleDropout({ rate: 0.2, name: 'classifier.0' }).apply(h) as Sym;
  const logits = tf.layers.dense({ units: classes, name: 'classifier.1' }).apply(h) as Sym;
  return tf.model({ inputs: input, outputs: logits, name: 'mobilenet_v2' });
}
