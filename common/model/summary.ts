// torchsummary's table and size estimates, reproduced to the digit. Its definitions: sizes in MiB of
// float32; forward/backward = 2 × Σ(every listed output's element count) × 4 bytes, batch 1.
import { describeLayers, type LayerSpec, type ModelConfig } from './spec.js';

export interface ModelSummary {
  input: number[];
  layers: LayerSpec[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  inputSizeMB: number;
  forwardBackwardSizeMB: number;
  paramsSizeMB: number;
  estimatedTotalSizeMB: number;
}

const MB = 1024 * 1024;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function summarize(config: ModelConfig): ModelSummary {
  const layers = describeLayers(config);
  const totalParams = layers.reduce((a, l) => a + l.params, 0);
  const outputs = layers.reduce((a, l) => a + l.outputShape.slice(1).reduce((x, y) => x * y, 1), 0);
  const inputSize = (config.channels * config.imageSize * config.imageSize * 4) / MB;
  const fb = (2 * outputs * 4) / MB;
  const params = (totalParams * 4) / MB;
  return {
    input: [config.channels, config.imageSize, config.imageSize],
    layers,
    totalParams,
    trainableParams: totalParams,
    nonTrainableParams: 0,
    inputSizeMB: round2(inputSize),
    forwardBackwardSizeMB: round2(fb),
    paramsSizeMB: round2(params),
    // torchsummary rounds the unrounded sum, which differs from the sum of the rounded parts.
    estimatedTotalSizeMB: round2(inputSize + fb + params),
  };
}

const fmtInt = (n: number) => n.toLocaleString('en-US');
const row = (a: string, b: string, c: string) => `${a.padStart(20)}  ${b.padStart(25)} ${c.padStart(15)}`;

/** The same text torchsummary.summary() prints. */
export function formatSummary(s: ModelSummary): string {
  const dash = '-'.repeat(64);
  const eq = '='.repeat(64);
  const lines = [dash, row('Layer (type)', 'Output Shape', 'Param #'), eq];
  for (const l of s.layers) lines.push(row(l.name, `[${l.outputShape.join(', ')}]`, fmtInt(l.params)));
  lines.push(
    eq,
    `Total params: ${fmtInt(s.totalParams)}`,
    `Trainable params: ${fmtInt(s.trainableParams)}`,
    `Non-trainable params: ${fmtInt(s.nonTrainableParams)}`,
    dash,
    `Input size (MB): ${s.inputSizeMB.toFixed(2)}`,
    `Forward/backward pass size (MB): ${s.forwardBackwardSizeMB.toFixed(2)}`,
    `Params size (MB): ${s.paramsSizeMB.toFixed(2)}`,
    `Estimated Total Size (MB): ${s.estimatedTotalSizeMB.toFixed(2)}`,
    dash,
  );
  return lines.join('\n');
}
