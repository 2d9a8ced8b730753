// Order statistics for benchmark figures, apart from harness.ts so that processes which load no
// model (the raw NATS probe's peer) need not import tfjs to use them.

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
