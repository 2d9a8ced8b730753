// Dropout for any tfjs-layers model, keyed like the seed CNN's: a sample's mask depends on the
// step's seed, the sample's id and the layer, never on where the sample sits in the batch. So the
// cut of a batch into shards and passes changes nothing (N ≡ 1). tfjs-layers' own `dropout` draws
// one mask for the whole batch tensor, so a sample's mask there depends on its position.
import * as tf from '@tensorflow/tfjs';
import { sampleDropout } from '../dropout.js';
import { currentPass } from '../pass.js';

export interface SampleDropoutArgs {
  rate: number;
  name?: string;
}

/** A stable number for a layer name: the mask's layer key. */
function nameKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class SampleDropout extends tf.layers.Layer {
  static readonly className = 'SampleDropout';
  readonly rate: number;

  constructor(args: SampleDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`SampleDropout: rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return x;
    const pass = currentPass();
    if (!pass) throw new Error(`SampleDropout "${this.name}": a training pass needs its dropout seed and sample ids (syncgrad's training step sets them)`);
    return sampleDropout(x, this.rate, pass.dropoutSeed, pass.sampleIds, nameKey(this.name));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SampleDropout);
