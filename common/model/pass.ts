// What a training pass tells the layers inside a tfjs-layers model that tfjs's call signature
// cannot carry: this step's dropout seed and each image's sample id. SampleDropout reads it, so a
// user's model keys its masks by sample exactly as the seed CNN does.
export interface PassContext {
  dropoutSeed: number;
  sampleIds: ArrayLike<number>;
}

let current: PassContext | undefined;

/** Runs `fn` (one synchronous forward pass) with `ctx` visible to the model's layers. */
export function withPass<T>(ctx: PassContext | undefined, fn: () => T): T {
  const outer = current;
  current = ctx;
  try {
    return fn();
  } finally {
    current = outer;
  }
}

export function currentPass(): PassContext | undefined {
  return current;
}
