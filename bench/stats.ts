// Order statistics for benchmark figures, apart from harness.ts so that processes which load no
// model (the raw NATS probe's peer) need not import tfjs to use them.

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The value at the 90th percentile's rank (the largest for fewer than ten). */
export function p90(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.9 * s.length))]!;
}
