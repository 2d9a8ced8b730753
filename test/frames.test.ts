// The framer that regroups a NATS server's bytes so each message reaches nats.js's parser whole
// (common/wire/frames.ts): against nats.js's own parser on random streams cut at random places,
// and through a real nats-server with the transport that uses it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { headers, type NatsConnection } from 'nats';
import { Parser, type ParserEvent } from 'nats/lib/nats-base-client/internal_mod.js';
import { Rng } from '../common/rng.js';
import { MessageFramer, payloadSize } from '../common/wire/frames.js';
import { SendBuffers } from '../common/wire/send-buffers.js';
import { BufferPool } from '../common/wire/buffer-pool.js';
import { connectWhole, GATHER_MIN_BYTES, gatherParts, idleReceiveBuffers, releaseMessage } from '../common/wire/transport.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';

const te = new TextEncoder();
const td = new TextDecoder();

/** A server-to-client stream of every operation kind, with payloads from empty to several reads long. */
function serverStream(rng: Rng, ops: number): { bytes: Uint8Array; messages: number } {
  const parts: Uint8Array[] = [te.encode('INFO {"server_id":"x","max_payload":8388608}\r\n')];
  let messages = 0;
  const payload = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));
  for (let i = 0; i < ops; i++) {
    const kind = rng.int(8);
    if (kind === 0) parts.push(te.encode('PING\r\n'));
    else if (kind === 1) parts.push(te.encode('+OK\r\n'));
    else if (kind === 2) parts.push(te.encode("-ERR 'Unknown Protocol Operation 12'\r\n"));
    else {
      const sizes = [0, 1, 2, 100, 65_535, 65_536, 65_537, 200_000, 300_001];
      const n = sizes[rng.int(sizes.length)]!;
      const reply = rng.int(2) === 0 ? ' _INBOX.abc.7' : '';
      messages++;
      if (kind === 3) {
        const hdr = te.encode('NATS/1.0\r\nk: v\r\n\r\n');
        parts.push(te.encode(`HMSG subj.${i} ${i + 1}${reply} ${hdr.length} ${hdr.length + n}\r\n`), hdr, payload(n), te.encode('\r\n'));
      } else parts.push(te.encode(`MSG subj.${i} ${i + 1}${reply} ${n}\r\n`), payload(n), te.encode('\r\n'));
    }
  }
  const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, messages };
}

/** Cuts `bytes` as a socket might: reads of 1 byte up to 64 KiB, most of them full. */
function cut(bytes: Uint8Array, rng: Rng): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = rng.int(3) === 0 ? 1 + rng.int(64) : rng.int(4) === 0 ? 1 + rng.int(65_536) : 65_536;
    out.push(bytes.slice(at, at + n));
    at += n;
  }
  return out;
}

/** What nats.js's parser makes of these reads, in a comparable form. */
function parse(frames: Uint8Array[]): string[] {
  const events: string[] = [];
  const parser = new Parser({
    push: (e: ParserEvent) => {
      const m = e.msg;
      events.push(
        `${e.kind} ${m ? `${td.decode(m.subject)} ${m.sid} ${m.reply ? td.decode(m.reply) : '-'} ${m.hdr} ${m.size}` : ''} ${e.data ? Buffer.from(e.data).toString('base64') : ''}`,
      );
    },
  });
  for (const f of frames) parser.parse(f);
  return events;
}

/** [start, end) of every MSG/HMSG operation, payload and CRLF included. */
function messageSpans(bytes: Uint8Array): [number, number][] {
  const spans: [number, number][] = [];
  for (let pos = 0; pos < bytes.length;) {
    const nl = bytes.indexOf(10, pos);
    const size = payloadSize(bytes, pos, nl);
    const end = size < 0 ? nl + 1 : nl + 1 + size + 2;
    if (size >= 0) spans.push([pos, end]);
    pos = end;
  }
  return spans;
}

test('frames - every message reaches the parser in one frame, and the parser reads what it reads from the socket', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const rng = new Rng(seed);
    const { bytes, messages } = serverStream(rng, 40);
    const reads = cut(bytes, rng);
    const frames: Uint8Array[] = [];
    const framer = new MessageFramer((f) => frames.push(f));
    for (const r of reads) framer.push(r);
    assert.equal(framer.pending, 0, `seed ${seed}: bytes held back at the end of a whole stream`);
    // The same bytes, in order: only the grouping changes.
    assert.deepEqual(Buffer.concat(frames), Buffer.from(bytes), `seed ${seed}: the framed stream differs`);
    // Each message lies inside one frame.
    const starts: number[] = [];
    frames.reduce((at, f) => (starts.push(at), at + f.length), 0);
    const spans = messageSpans(bytes);
    assert.equal(spans.length, messages);
    for (const [s, e] of spans) {
      const i = starts.findLastIndex((x) => x <= s);
      assert.ok(e <= starts[i]! + frames[i]!.length, `seed ${seed}: the message at byte ${s} spans frames`);
    }
    assert.deepEqual(parse(frames), parse(reads), `seed ${seed}: the parser saw something else`);
  }
});

test('frames - a line that only looks like a message, or announces too much, passes through as it came', () => {
  const cases = [
    'MSG a 1 x\r\nPING\r\n',
    'MSG a 1\r\n',
    'MSG a 1 2 3 4\r\n',
    'HMSG a 1 2\r\n',
    'MSGX\r\n+OK\r\n',
    `MSG a 1 ${64 * 1024 * 1024 + 1}\r\nPING\r\n`,
    'HMSG a 1 2 -4\r\n',
  ];
  for (const c of cases) {
    const bytes = te.encode(c);
    const frames: Uint8Array[] = [];
    const framer = new MessageFramer((f) => frames.push(f));
    for (let i = 0; i < bytes.length; i += 3) framer.push(bytes.slice(i, i + 3));
    assert.equal(framer.pending, 0, JSON.stringify(c));
    assert.equal(td.decode(Buffer.concat(frames)), c);
  }
  assert.equal(payloadSize(te.encode('MSG a 1 12\r\n'), 0, 11), 12);
  assert.equal(payloadSize(te.encode('HMSG a 1 _R 5 12\r\n'), 0, 17), 12);
  assert.equal(payloadSize(te.encode('PING\r\n'), 0, 5), -1);
});

test('transport - a write hands large payloads to the socket as they are and joins the small parts between them', () => {
  const big = new Uint8Array(GATHER_MIN_BYTES).fill(1);
  const big2 = new Uint8Array(GATHER_MIN_BYTES + 5).fill(2);
  const small = (s: string) => te.encode(s);
  const queue = [small('PUB a 65536\r\n'), big, small('\r\n'), small('PING\r\n'), small('PUB b 65541\r\n'), big2, small('\r\n'), new Uint8Array(0)];
  const parts = gatherParts(queue);
  assert.equal(parts.length, 5);
  assert.equal(parts[1], big, 'a large payload is not copied');
  assert.equal(parts[3], big2);
  assert.equal(td.decode(parts[2]), '\r\nPING\r\nPUB b 65541\r\n');
  assert.deepEqual(Buffer.concat(parts), Buffer.concat(queue), 'the same bytes, in order');
  assert.deepEqual(
    gatherParts([small('PING\r\n')]).map((p) => td.decode(p)),
    ['PING\r\n'],
  );
});

test('transport - the buffer pool lends each buffer once, fits sizes, and takes back only its own', () => {
  const pool = new BufferPool({ keep: 2, roundTo: 1024 });
  const a = pool.take(1000);
  assert.equal(a.length, 1000);
  assert.equal(a.buffer.byteLength, 1024, 'rounded up');
  assert.ok(pool.lent(a.buffer));
  assert.notEqual(pool.take(1000).buffer, a.buffer, 'not lent twice');
  pool.give(a.buffer);
  pool.give(a.buffer);
  assert.equal(pool.idle, 1, 'a second give is ignored');
  assert.equal(pool.take(1020).buffer, a.buffer, 'a free buffer that fits is reused');
  pool.give(new ArrayBuffer(1024));
  assert.equal(pool.idle, 0, 'foreign memory is not taken in');
  pool.give(a.buffer);
  assert.notEqual(pool.take(400).buffer, a.buffer, 'a message far smaller than a free buffer gets its own');
  const more = [pool.take(5000), pool.take(5000), pool.take(5000)];
  for (const m of more) pool.give(m.buffer);
  assert.equal(pool.idle, 2, 'beyond keep, the oldest free buffers are dropped');
});

let nats: StartedNats;
let a: NatsConnection;
let b: NatsConnection;

before(async () => {
  nats = await startNats({ maxPayload: 8 * 1024 * 1024 });
  a = await connectWhole({ servers: nats.url, name: 'frames-a' });
  b = await connectWhole({ servers: nats.url, name: 'frames-b' });
});
after(async () => {
  await a?.close();
  await b?.close();
  await nats?.close();
});

test('transport - messages up to max_payload, with headers and replies, arrive intact through a real server', async () => {
  const rng = new Rng(3);
  const sizes = [0, 1, 65_000, 65_536, 70_000, 1_000_000, 8 * 1024 * 1024 - 1024];
  const sent = sizes.map((n) => Uint8Array.from({ length: n }, () => rng.int(256)));
  const got: { data: Uint8Array; hdr?: string; backing: number }[] = [];
  const all = new Promise<void>((resolve) => {
    b.subscribe('frames.t', {
      callback: (_e, m) => {
        got.push({ data: m.data.slice(), hdr: m.headers?.get('k'), backing: m.data.buffer.byteLength });
        if (got.length === sent.length) resolve();
      },
    });
  });
  b.subscribe('frames.echo', { callback: (_e, m) => m.respond(m.data) });
  await b.flush();
  sent.forEach((data, i) => {
    const h = headers();
    h.set('k', `v${i}`);
    a.publish('frames.t', data, i % 2 === 0 ? { headers: h } : undefined);
  });
  await all;
  got.forEach((g, i) => {
    assert.deepEqual(Buffer.from(g.data), Buffer.from(sent[i]!), `message ${i} (${sizes[i]} bytes)`);
    assert.equal(g.hdr, i % 2 === 0 ? `v${i}` : undefined);
    // Gathered at its size, rounded up to 64 KiB (the stock parser's doubling buffer ends up to twice as large).
    if (sizes[i]! >= 1_000_000) assert.ok(g.backing <= sizes[i]! + 64 * 1024 + 256, `message ${i}: ${g.backing} bytes of memory for ${sizes[i]}`);
  });
  for (const data of [sent[3]!, sent[6]!]) {
    const reply = await a.request('frames.echo', data, { timeout: 10_000 });
    assert.deepEqual(Buffer.from(reply.data), Buffer.from(data));
  }
});

test("transport - a large payload goes to the socket from the caller's buffer, and a send buffer reused after its flush does not change what arrived", async () => {
  const size = 4 * 1024 * 1024;
  const got: Uint8Array[] = [];
  const sub = b.subscribe('frames.reuse', { max: 3, callback: (_e, m) => got.push(m.data) });
  await b.flush();
  // What the socket is given to write, by identity.
  const socket = (a as unknown as { protocol: { transport: { socket: { write: (p: Uint8Array, ...r: unknown[]) => boolean } } } }).protocol.transport.socket;
  const written: Uint8Array[] = [];
  const write = socket.write.bind(socket);
  socket.write = (p: Uint8Array, ...r: unknown[]) => (written.push(p), write(p, ...r));
  try {
    const pool = new SendBuffers(a);
    pool.keep = 1;
    const first = pool.take(size).fill(0x11);
    a.publish('frames.reuse', first);
    pool.release(first);
    for (let i = 0; i < 20 && pool.idle < 1; i++) await a.flush();
    assert.ok(written.includes(first), 'the payload itself was written, not a joined copy');
    const again = pool.take(size);
    assert.equal(again.buffer, first.buffer, 'the buffer comes back once its flush is answered');
    again.fill(0x22);
    a.publish('frames.reuse', again);
    a.publish('frames.reuse', new Uint8Array(size).fill(0x33));
    await a.flush();
    await sub.closed;
  } finally {
    socket.write = write;
  }
  assert.equal(got.length, 3);
  // The first arrived as published, though its buffer was refilled for the second.
  assert.deepEqual(
    got.map((m) => [m.length, m[0], m.every((x) => x === m[0])]),
    [
      [size, 0x11, true],
      [size, 0x22, true],
      [size, 0x33, true],
    ],
  );
});

test('transport - an incoming message handed back is reused for the next, and one not handed back is never overwritten', async () => {
  const size = 2 * 1024 * 1024;
  const kept: Uint8Array[] = [];
  const buffers: ArrayBufferLike[] = [];
  let n = 0;
  const sub = b.subscribe('frames.recv', {
    max: 6,
    callback: (_e, m) => {
      const i = n++;
      assert.ok(
        m.data.every((x) => x === i + 1),
        `message ${i} arrived whole`,
      );
      buffers.push(m.data.buffer);
      // Every other message is kept (a view of it stays live); the rest go back at once.
      if (i % 2 === 0) kept.push(m.data);
      else releaseMessage(m.data);
    },
  });
  await b.flush();
  for (let i = 0; i < 6; i++) {
    a.publish('frames.recv', new Uint8Array(size).fill(i + 1));
    // One at a time, so each arrives after the previous one's callback.
    await a.flush();
    await b.flush();
  }
  await sub.closed;
  assert.equal(n, 6);
  kept.forEach((k, j) =>
    assert.ok(
      k.every((x) => x === 2 * j + 1),
      `kept message ${2 * j} was not overwritten`,
    ),
  );
  // Message 1 went back, so message 2 was gathered into its memory; and so on.
  assert.equal(buffers[2], buffers[1]);
  assert.equal(buffers[4], buffers[3]);
  assert.ok(new Set(buffers).size <= 4);
  assert.ok(idleReceiveBuffers() >= 1);
});
