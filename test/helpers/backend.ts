// The backend the suite computes on. Native TensorFlow is the product's default, so it is the
// suite's; scripts/run-tests.mjs sets SYNCGRAD_TEST_BACKEND=wasm (and says so) only where native
// TensorFlow is not set up, which CI refuses. Tests about one backend (the wasm heap, the wasm and
// native kernels, the cross-backend cluster) name theirs.
import { BACKEND_CHOICES, type BackendChoice } from '../../common/backend/choices.js';

export const TEST_BACKEND_ENV = 'SYNCGRAD_TEST_BACKEND';

function parse(value: string): Exclude<BackendChoice, 'auto'> {
  if (value === 'auto' || !(BACKEND_CHOICES as readonly string[]).includes(value))
    throw new Error(`${TEST_BACKEND_ENV} must be tensorflow, wasm or cpu, got ${JSON.stringify(value)}`);
  return value as Exclude<BackendChoice, 'auto'>;
}

export const TEST_BACKEND = parse(process.env[TEST_BACKEND_ENV] || 'tensorflow');
