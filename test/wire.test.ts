// The wire layer against a real NATS server: codecs, chunk plans that fit max_payload, and the
// pull transfer's handling of bad replies (malformed, wrong length, stale) and lost ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from 'nats';
import { ProtocolError, TimeoutError } from '../common/errors.js';
import { Rng } from '../common/rng.js';
import { ChunkSource, chunkBytesFor, encodeTensorChunk, planChunks, pullTensor } from '../common/wire/chunks.js';
import { CODECS } from '../common/wire/codec.js';
import { checksum, firstNonFinite, flatten, unflatten } from '../common/wire/flat.js';
import { Codec, decode, encode, pb } from '../common/wire/messages.js';
import { planExchange } from '../common/wire/exchange-plan.js';
import { SendBuffers } from '../common/wire/send-buffers.js';
import { REPAIR_AFTER_MS, REPAIR_MAX_WAIT_MS, REPAIR_SLACK, repairAfterMs } from '../worker/allreduce.js';
import { connectWhole } from '../common/wire/transport.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';

/** A small max_payload so a modest tensor needs many chunks. */
const MAX_PAYLOAD = 64 * 1024;
let nats: StartedNats;
let nc: NatsConnection;

before(async () => {
  nats = await startNats({ maxPayload: MAX_PAYLOAD });
  nc = await connect({ servers: nats.url });
});
after(async () => {
  await nc?.drain();
  await nats?.close();
});

function randomTensor(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

test('wire - fp32 is exact, fp16 and bf16 round within their precision', () => {
  const x = randomTensor(10_000, 1);
  x[0] = 0;
  x[1] = -0;
  x[2] = 65504;
  x[3] = 1e-6;
  for (const [name, tol] of [
    ['fp32', 0],
    ['fp16', 2 ** -11],
    ['bf16', 2 ** -8],
  ] as const) {
    const c = CODECS[name];
    const out = new Float32Array(x.length);
    c.decode(c.encode(x, 0, x.length), out, 0);
    for (let i = 0; i < x.length; i++) {
      const err = Math.abs(out[i]! - x[i]!);
      // fp16 subnormals below 6e-5 keep an absolute error of 2^-25.
      assert.ok(err <= tol * Math.abs(x[i]!) + (name === 'fp16' ? 2 ** -25 : 0), `${name}[${i}]: ${x[i]} → ${out[i]}`);
    }
  }
  assert.ok(
    Number.isNaN(
      (() => {
        const o = new Float32Array(1);
        CODECS.fp16.decode(CODECS.fp16.encode(Float32Array.of(Number.NaN), 0, 1), o, 0);
        return o[0]!;
      })(),
    ),
  );
});

test('wire - flatten, unflatten, checksum and the non-finite scan', () => {
  const parts = [randomTensor(5, 2), randomTensor(7, 3)];
  const flat = flatten(parts);
  assert.deepEqual(unflatten(flat, [5, 7]), parts);
  const before = checksum(flat);
  flat[6] = Math.fround(flat[6]! + 1e-6);
  assert.notEqual(checksum(flat), before, 'one ulp-scale change moves the checksum');
  assert.equal(firstNonFinite(flat), -1);
  flat[9] = Number.POSITIVE_INFINITY;
  assert.equal(firstNonFinite(flat), 9);
});

test('wire - every chunk of a real transfer fits the server max_payload and the tensor arrives intact', async () => {
  assert.equal(nc.info!.max_payload, MAX_PAYLOAD);
  const chunkBytes = chunkBytesFor(nc.info!.max_payload);
  const x = randomTensor(100_000, 4);
  const src = new ChunkSource('j', 3, x, CODECS.fp32, chunkBytes);
  assert.ok(src.plan.count > 5);
  let largest = 0;
  const sub = nc.subscribe('t.fetch', {
    callback: (_e, m) => {
      const bytes = src.chunk(decode(pb.ChunkRequest, m.data, 'ChunkRequest').index);
      largest = Math.max(largest, bytes.length);
      m.respond(bytes);
    },
  });
  const got = await pullTensor({ nc, subject: 't.fetch', job: 'j', version: 3, rank: 0, total: x.length, codec: Codec.FP32, chunkBytes });
  sub.unsubscribe();
  assert.deepEqual(got, x);
  assert.ok(largest <= MAX_PAYLOAD, `largest reply ${largest} bytes`);
});

test('wire - malformed and wrong-length replies are rejected, counted and asked again', async () => {
  const chunkBytes = chunkBytesFor(MAX_PAYLOAD);
  const x = randomTensor(100_000, 5);
  const src = new ChunkSource('j', 1, x, CODECS.fp32, chunkBytes);
  const served = new Map<number, number>();
  const sub = nc.subscribe('t.flaky', {
    callback: (_e, m) => {
      const i = decode(pb.ChunkRequest, m.data, 'ChunkRequest').index;
      const n = (served.get(i) ?? 0) + 1;
      served.set(i, n);
      if (i === 0 && n === 1) m.respond(new Uint8Array([0xff, 0xff, 0xff]));
      else if (i === 1 && n === 1) {
        const c = pb.TensorChunk.decode(src.chunk(1));
        c.data = c.data.subarray(0, 16);
        m.respond(encode(pb.TensorChunk, c));
      } else if (i === 2 && n === 1) {
        // Dropped: no reply at all, as in a server restart.
      } else m.respond(src.chunk(i));
    },
  });
  const rejects: string[] = [];
  const got = await pullTensor({
    nc,
    subject: 't.flaky',
    job: 'j',
    version: 1,
    rank: 0,
    total: x.length,
    codec: Codec.FP32,
    chunkBytes,
    timeoutMs: 300,
    onReject: (r) => rejects.push(r),
  });
  sub.unsubscribe();
  assert.deepEqual(got, x);
  assert.deepEqual(rejects.sort(), ['malformed', 'wrong-length']);
  assert.equal(served.get(2), 2, 'the lost chunk was requested again');
});

test('wire - a chunk already received, sent again for another request, is rejected as a duplicate and asked again', async () => {
  const chunkBytes = chunkBytesFor(MAX_PAYLOAD);
  const x = randomTensor(100_000, 6);
  const src = new ChunkSource('j', 1, x, CODECS.fp32, chunkBytes);
  assert.ok(src.plan.count >= 3, 'needs three chunks');
  const served = new Map<number, number>();
  const sub = nc.subscribe('t.dup', {
    callback: (_e, m) => {
      const i = decode(pb.ChunkRequest, m.data, 'ChunkRequest').index;
      const n = (served.get(i) ?? 0) + 1;
      served.set(i, n);
      // The first request for chunk 2 is answered with chunk 1, which the puller already holds.
      m.respond(src.chunk(i === 2 && n === 1 ? 1 : i));
    },
  });
  const rejects: string[] = [];
  const got = await pullTensor({
    nc,
    subject: 't.dup',
    job: 'j',
    version: 1,
    rank: 0,
    total: x.length,
    codec: Codec.FP32,
    chunkBytes,
    window: 1,
    onReject: (r) => rejects.push(r),
  });
  sub.unsubscribe();
  assert.deepEqual(got, x);
  assert.deepEqual(rejects, ['duplicate']);
  assert.equal(served.get(2), 2, 'chunk 2 was asked for again');
});

test('wire - a stale version and an absent peer end the transfer with a typed error', async () => {
  const sub = nc.subscribe('t.stale', {
    callback: (_e, m) => m.respond(encode(pb.TensorChunk, { job: 'j', version: 1, error: 'current weights are v2', errorKind: pb.ErrorKind.STALE })),
  });
  await assert.rejects(
    pullTensor({ nc, subject: 't.stale', job: 'j', version: 1, rank: 0, total: 10, codec: Codec.FP32, chunkBytes: 4096 }),
    (e: unknown) => e instanceof ProtocolError && e.reason === 'stale',
  );
  sub.unsubscribe();
  // The kind decides, not the text: an error that only says "stale" is a refusal, asked again until the retries run out.
  const reasons: string[] = [];
  const text = nc.subscribe('t.text', {
    callback: (_e, m) => m.respond(encode(pb.TensorChunk, { job: 'j', version: 1, error: 'stale: current weights are v2' })),
  });
  await assert.rejects(
    pullTensor({
      nc,
      subject: 't.text',
      job: 'j',
      version: 1,
      rank: 0,
      total: 10,
      codec: Codec.FP32,
      chunkBytes: 4096,
      retries: 1,
      onReject: (r) => reasons.push(r),
    }),
    (e: unknown) => e instanceof TimeoutError,
  );
  assert.deepEqual(reasons, ['refused', 'refused']);
  text.unsubscribe();
  await assert.rejects(
    pullTensor({ nc, subject: 't.nobody', job: 'j', version: 1, rank: 0, total: 10, codec: Codec.FP32, chunkBytes: 4096 }),
    (e: unknown) => e instanceof TimeoutError && /no one answers/.test(e.message),
  );
});

test('wire - the chunk plan is the same on both ends for every codec', () => {
  for (const c of Object.values(CODECS)) {
    const p = planChunks(16_154_950, c, chunkBytesFor(1024 * 1024));
    assert.ok(p.perChunk * c.bytesPerElement <= chunkBytesFor(1024 * 1024));
    assert.ok(p.count * p.perChunk >= p.total && (p.count - 1) * p.perChunk < p.total);
  }
});

test('wire - the sharded exchange plan cuts the vector into near-equal owner slices of whole chunks, covering every element once', () => {
  for (const [total, owners, perChunk] of [
    [16_154_950, 2, 2_097_000],
    [16_154_950, 3, 4_194_048],
    [1_212_742, 8, 262_000],
    [10, 4, 3],
    [5, 8, 2],
  ] as const) {
    const plan = planExchange(total, owners, perChunk);
    assert.equal(plan.slices.length, owners);
    const sizes = plan.slices.map((sl) => sl.end - sl.start);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `slice sizes ${sizes.join(', ')}`);
    let at = 0;
    plan.chunks.forEach((ch, k) => {
      assert.equal(ch.index, k);
      assert.equal(ch.start, at, `chunk ${k} starts where ${k - 1} ended`);
      assert.ok(ch.end > ch.start && ch.end - ch.start <= perChunk);
      const sl = plan.slices[ch.owner]!;
      assert.ok(ch.start >= sl.start && ch.end <= sl.end && k >= sl.firstChunk && k < sl.endChunk, `chunk ${k} lies in its owner's slice`);
      at = ch.end;
    });
    assert.equal(at, total);
  }
  assert.throws(() => planExchange(10, 0, 4), /at least one owner/);
});

test('wire - the repair timer waits out what is still owed at the rate seen: a queued chunk is never judged lost, a lost one is asked for within 30 s', () => {
  // 1 Gbit/s shared by 4 workers on one server: ~31 MB/s reaching each, 48 MB still owed.
  const shared = 31_000;
  assert.ok(repairAfterMs(48e6, shared) >= (48e6 / shared) * 1.5, 'longer than the owed bytes take to drain');
  // Loopback: a second is the floor.
  assert.equal(repairAfterMs(8e6, 1e6), REPAIR_AFTER_MS);
  // No rate yet (the first exchange): the 100 Mbit/s floor rate; and never more than the cap.
  assert.equal(repairAfterMs(12.5e6, undefined), REPAIR_SLACK * 1000);
  assert.equal(repairAfterMs(1e12, 1), REPAIR_MAX_WAIT_MS);
});

test('wire - a TensorChunk with its data appended decodes as the one protobufjs encodes, at every length-prefix size', () => {
  for (const n of [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 8 * 1024 * 1024]) {
    const data = new Uint8Array(n).map((_, i) => (i * 31) & 0xff);
    const fields = { job: 'j', version: 7, index: 3, count: 9, offset: 12, total: 99, codec: Codec.BF16, fromRank: 2, samples: 5 };
    const ours = encodeTensorChunk(fields, data);
    assert.equal(ours.length, encode(pb.TensorChunk, { ...fields, data }).length, `${n} bytes: same size`);
    const a = decode(pb.TensorChunk, ours, 'TensorChunk');
    const b = decode(pb.TensorChunk, encode(pb.TensorChunk, { ...fields, data }), 'TensorChunk');
    assert.deepEqual({ ...a, data: Buffer.from(a.data) }, { ...b, data: Buffer.from(b.data) }, `${n} bytes`);
  }
});

test('wire - a send buffer is reused only after a flush, and what it carried before arrives intact', async () => {
  const size = 32 * 1024;
  const subject = 'sg.test.send-buffers';
  const got: Uint8Array[] = [];
  const sub = nc.subscribe(subject, { max: 4, callback: (_e, m) => got.push(m.data) });
  const pub = await connectWhole({ servers: nats.url });
  try {
    const pool = new SendBuffers(pub);
    pool.keep = 2;
    const a = pool.take(size);
    a.fill(0xaa);
    pub.publish(subject, a);
    pool.release(a);
    // Not answered yet: a second message must get memory of its own.
    const b = pool.take(size - 1);
    assert.notEqual(b.buffer, a.buffer, 'a buffer is not handed out again before its flush is answered');
    b.fill(0xbb);
    pub.publish(subject, b);
    pool.release(b);
    // Each release waits for a flush issued after it: two round trips at most.
    for (let i = 0; i < 20 && pool.idle < 2; i++) await pub.flush();
    assert.equal(pool.idle, 2, 'both come back once their flush is answered');
    // Overwrite a reused buffer at once: its flush was answered, so the socket has written it.
    const c = pool.take(size);
    assert.equal(c.buffer, a.buffer, 'a freed buffer of the size is reused');
    c.fill(0xcc);
    pub.publish(subject, c);
    // Too large for b's buffer, and a is taken: new memory, of the message's size.
    const d = pool.take(size + 1);
    assert.ok(d.buffer !== a.buffer && d.buffer !== b.buffer && d.buffer.byteLength === size + 1);
    assert.notEqual(pool.take(size / 4).buffer, b.buffer, 'a message far smaller than a free buffer gets its own');
    d.fill(0xdd);
    pub.publish(subject, d);
    await pub.flush();
    await sub.closed;
    assert.deepEqual(
      got.map((m) => [m.length, m[0], m.every((x) => x === m[0])]),
      [
        [size, 0xaa, true],
        [size - 1, 0xbb, true],
        [size, 0xcc, true],
        [size + 1, 0xdd, true],
      ],
    );
    // Past `keep`, the oldest free buffers are dropped.
    for (const x of [c, d]) pool.release(x);
    for (let i = 0; i < 20 && pool.idle < 2; i++) await pub.flush();
    await pub.flush();
    assert.equal(pool.idle, 2);
    // Bytes from elsewhere are never taken in.
    pool.release(new Uint8Array(size));
    await pub.flush();
    await pub.flush();
    assert.equal(pool.idle, 2);
  } finally {
    await pub.close();
  }
});

test('wire - send buffers released on a closed connection are never reused', async () => {
  const pub = await connectWhole({ servers: nats.url });
  const pool = new SendBuffers(pub);
  pool.keep = 4;
  await pub.close();
  const a = pool.take(1024);
  pool.release(a);
  // The flush rejects: nats.js may still hold the payload, so it is left to the collector. On a
  // closed connection nats.js rejects the flush at once, so its handlers have all run before a
  // setImmediate callback does.
  await new Promise((r) => setImmediate(r));
  assert.equal(pool.idle, 0);
  assert.notEqual(pool.take(1024).buffer, a.buffer);
});
