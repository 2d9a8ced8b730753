// tfjs-layers' 'relu6' activation computes minimum(6, relu(x)): two ops forward and, backward, a
// ReLU gradient plus minimum's (a comparison, a cast and a multiply), each a full pass over the
// activation. In a MobileNetV2 step (128², batch 16, native TensorFlow, one thread) those six ops
// took 150 ms of 517. tf.relu6 is one op each way (TensorFlow's Relu6 and, through the gradient
// registered in backend/native/kernels.ts, Relu6Grad), with the same values: torch's ReLU6
// gradient is 0 at 0 and at 6, as Relu6Grad's is. Importing this module re-registers 'relu6'
// under the same name, so topologies and exports are unchanged.
import * as tf from '@tensorflow/tfjs';

/** tfjs-layers' activation base class, which it does not export: reached through the class it registered. */
type ActivationClass = new () => tf.serialization.Serializable & { apply(x: tf.Tensor): tf.Tensor };

const registered = tf.serialization.SerializationMap.getMap().classNameMap['relu6'] as [ActivationClass, unknown] | undefined;
if (registered) {
  class Relu6 extends registered[0] {
    static readonly className = 'relu6';
    override apply(x: tf.Tensor): tf.Tensor {
      return tf.relu6(x);
    }
    override getConfig(): tf.serialization.ConfigDict {
      return {};
    }
  }
  // The base class brings the static fromConfig that registerClass's type asks for.
  tf.serialization.registerClass(Relu6 as unknown as tf.serialization.SerializableConstructor<Relu6>);
}
