// The sharded exchange's layout of the flat vector, derived alike by every rank from (elements,
// ranks, elements per chunk): rank i of the step owns slice i, near-equal in size, cut into
// chunks that each fit one message. Chunks are numbered across the whole vector, so a chunk
// index alone names its owner and its range.

export interface ExchangeChunk {
  index: number;
  /** Position of the owning rank in the step's reduce_ranks. */
  owner: number;
  start: number;
  end: number;
}

export interface ExchangePlan {
  total: number;
  /** Per owner: its slice [start, end) and its chunks [firstChunk, endChunk). */
  slices: { start: number; end: number; firstChunk: number; endChunk: number }[];
  chunks: ExchangeChunk[];
}

export function planExchange(total: number, owners: number, perChunk: number): ExchangePlan {
  if (!(Number.isInteger(owners) && owners >= 1)) throw new Error(`an exchange needs at least one owner, got ${owners}`);
  if (!(Number.isInteger(perChunk) && perChunk >= 1)) throw new Error(`elements per chunk must be a positive integer, got ${perChunk}`);
  const slices: ExchangePlan['slices'] = [];
  const chunks: ExchangeChunk[] = [];
  for (let o = 0; o < owners; o++) {
    // Floor of the exact fraction: sizes differ by at most one element, and slice o ends where o + 1 starts.
    const start = Math.floor((o * total) / owners);
    const end = Math.floor(((o + 1) * total) / owners);
    const firstChunk = chunks.length;
    for (let a = start; a < end; a += perChunk) chunks.push({ index: chunks.length, owner: o, start: a, end: Math.min(end, a + perChunk) });
    slices.push({ start, end, firstChunk, endChunk: chunks.length });
  }
  return { total, slices, chunks };
}
