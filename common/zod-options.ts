// The one way options are validated (train, cluster, worker): a zod schema whose every field names
// its flag in its message, merged over the defaults, and the first problem thrown as one
// ConfigError line: "--flag <what is wrong>, got <value>".
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** An integer >= min, from a number or a numeric string (commander gives strings). */
export function intFlag(flag: string, min: number) {
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z
      .number({ errorMap: () => ({ message: `${flag} must be an integer >= ${min}` }) })
      .int()
      .min(min),
  );
}

/** One of `choices`. */
export function choiceFlag<const T extends readonly [string, ...string[]]>(flag: string, choices: T) {
  return z.enum(choices, { errorMap: () => ({ message: `${flag} must be one of ${choices.join(', ')}` }) });
}

/** `defaults` with every defined value of `input` over it, validated by `schema`. */
export function parseOptions<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, defaults: T, input: Record<string, unknown>): T {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) merged[k] = v;
  const r = schema.safeParse(merged);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  throw new ConfigError(`${issue.message}, got ${JSON.stringify(merged[key])}`);
}

/** A flag that is one integer of at least `min`, for commands that take no options object. */
export function parseIntFlag(value: string | undefined, name: string, min = 1): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}
