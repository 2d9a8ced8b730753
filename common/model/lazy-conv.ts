// tfjs-layers' Conv2D calls tf.fused.conv2d, and with a linear activation tfjs fuses even while
// gradients are recorded. The fused op's gradient is a customGrad that computes the gradients of
// the input and the filter together, whether or not anything needs the input's: the first
// convolution of every network then back-propagates into the image. At resnet18's stem (7×7,
// 3→64, stride 2, 128², batch 16) that Conv2DBackpropInput took 44.5 ms of a 712 ms step on native
// TensorFlow, one thread. While gradients are recorded, this routes such a call to the unfused
// conv2d (plus the bias), whose registered gradient computes each input's part only when the tape
// needs it: what tfjs itself does for every other activation. Inference keeps the fused kernel.
import * as tf from '@tensorflow/tfjs-core';

type FusedConv2D = typeof tf.fused.conv2d;
type FusedConv2DArgs = Parameters<FusedConv2D>[0];

const fused = tf.fused as { conv2d: FusedConv2D };
/** tfjs's own fused.conv2d, which tests compare against. */
export const fusedConv2dOriginal = fused.conv2d;

function conv2dLazyGradients(args: FusedConv2DArgs): tf.Tensor4D {
  const linear = (args.activation ?? 'linear') === 'linear';
  if (tf.engine().state.gradientDepth === 0 || !linear || (args.dataFormat ?? 'NHWC') !== 'NHWC') return fusedConv2dOriginal(args) as tf.Tensor4D;
  return tf.tidy(() => {
    const y = tf.conv2d(args.x as tf.Tensor4D, args.filter, args.strides, args.pad, 'NHWC', args.dilations, args.dimRoundingMode);
    return args.bias == null ? y : tf.add(y, args.bias);
  });
}

// Importing this module installs the routing (once per process, whoever imports it).
fused.conv2d = conv2dLazyGradients as FusedConv2D;
