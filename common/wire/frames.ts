// Regroups the bytes a NATS server sends so that every message arrives whole in one frame.
//
// Node hands a socket's bytes over in reads of at most 64 KiB. nats.js's parser (2.29 and 3.x
// alike) takes a message that lies inside one read as a view, with no copy, but gathers a longer
// one in a buffer that starts at the read's size and grows to twice its size plus the read: an
// 8 MiB message costs it about eight zero-filled allocations, 16–32 MB in all, and ~16 MB of
// copies. Perf put that and nats.js's outbound join (transport.ts), with the garbage collection
// they drive, at about a quarter of a worker's CPU in the sharded exchange
// (docs/performance.md). Here a message that spans reads is copied once into a buffer of its
// size, from the caller's allocator, and passed on with the line that announces it: the parser
// then takes it as a view.
//
// This reads only the framing of the server-to-client protocol: every operation is a line ending
// in CRLF, and MSG and HMSG lines end with the byte count of a payload that follows, itself
// ended by CRLF. Everything else, and anything malformed, passes through unchanged for the
// parser to judge.

const LF = 0x0a;
const CR = 0x0d;
/** A larger announced payload is not gathered here (the server's max_payload is at most 64 MiB). */
export const MAX_GATHERED_BYTES = 64 * 1024 * 1024;

export class MessageFramer {
  /** The start of a line that has not ended yet. */
  private partialLine?: Uint8Array;
  /** A message that spans reads, in memory of its size, and how much of it has arrived. */
  private gathering?: Uint8Array;
  private filled = 0;

  /**
   * `alloc` gives the memory a gathered message is copied into (its contents need not be
   * zeroed: every byte is written before the frame is passed on).
   */
  constructor(
    private readonly emit: (frame: Uint8Array) => void,
    private readonly alloc: (bytes: number) => Uint8Array = (n) => Buffer.allocUnsafeSlow(n),
  ) {}

  /** Bytes held back, waiting for the rest of a line or a message. */
  get pending(): number {
    return (this.partialLine?.length ?? 0) + this.filled;
  }

  push(frame: Uint8Array): void {
    let f = frame;
    if (this.gathering) {
      const g = this.gathering;
      const take = Math.min(g.length - this.filled, f.length);
      g.set(f.subarray(0, take), this.filled);
      this.filled += take;
      if (this.filled < g.length) return;
      this.gathering = undefined;
      this.filled = 0;
      this.emit(g);
      f = f.subarray(take);
      if (f.length === 0) return;
    }
    if (this.partialLine) {
      const joined = new Uint8Array(this.partialLine.length + f.length);
      joined.set(this.partialLine);
      joined.set(f, this.partialLine.length);
      this.partialLine = undefined;
      f = joined;
    }
    let pos = 0;
    while (pos < f.length) {
      const nl = f.indexOf(LF, pos);
      if (nl < 0) {
        if (pos > 0) this.emit(f.subarray(0, pos));
        this.partialLine = f.slice(pos);
        return;
      }
      const size = payloadSize(f, pos, nl);
      const end = size < 0 ? nl + 1 : nl + 1 + size + 2;
      if (end <= f.length) {
        pos = end;
        continue;
      }
      // A message that continues in later reads.
      if (pos > 0) this.emit(f.subarray(0, pos));
      const g = this.alloc(end - pos);
      g.set(f.subarray(pos));
      this.gathering = g;
      this.filled = f.length - pos;
      return;
    }
    this.emit(f);
  }
}

/**
 * The payload byte count that the line f[start..nl] announces: its last field for MSG and HMSG
 * (HMSG's is headers and body together), or -1 for a line with no payload or one this framer
 * leaves to the parser.
 */
export function payloadSize(f: Uint8Array, start: number, nl: number): number {
  const isMsg = f[start] === 0x4d && f[start + 1] === 0x53 && f[start + 2] === 0x47; // MSG
  const isHmsg = f[start] === 0x48 && f[start + 1] === 0x4d && f[start + 2] === 0x53 && f[start + 3] === 0x47; // HMSG
  if (!isMsg && !isHmsg) return -1;
  let i = nl - 1;
  if (i >= start && f[i] === CR) i--;
  let size = 0;
  let scale = 1;
  let digits = 0;
  for (; i >= start && f[i]! >= 0x30 && f[i]! <= 0x39; i--, digits++) {
    size += (f[i]! - 0x30) * scale;
    scale *= 10;
  }
  if (digits === 0 || digits > 9 || (f[i] !== 0x20 && f[i] !== 0x09)) return -1;
  // MSG <subject> <sid> [reply] <size>; HMSG <subject> <sid> [reply] <header size> <size>.
  const n = fields(f, start, i);
  if (isMsg ? n < 3 || n > 4 : n < 4 || n > 5) return -1;
  return size <= MAX_GATHERED_BYTES ? size : -1;
}

/** Space- or tab-separated fields in f[start..end). */
function fields(f: Uint8Array, start: number, end: number): number {
  let n = 0;
  let inField = false;
  for (let i = start; i < end; i++) {
    const blank = f[i] === 0x20 || f[i] === 0x09;
    if (!blank && !inField) n++;
    inField = !blank;
  }
  return n;
}
