// Small flag parsers for commands that do not take the full training options.
import { ConfigError } from '../common/errors.js';

export function parseIntFlag(value: string | undefined, name: string, min = 1): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}
