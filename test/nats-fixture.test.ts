// Smoke tests of the NATS fixture against a real server (docker or binary mode, see test/helpers/nats-server.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { before, test } from 'node:test';
import { connect, Events, StringCodec, type NatsConnection } from 'nats';
import { findNatsServer, freePort, natsImage, natsModeBanner, OWNER_LABEL, resolveNatsMode, startNats, type NatsMode } from './helpers/nats-server.js';

const sc = StringCodec();
let mode: NatsMode;

before(async () => {
  mode = await resolveNatsMode();
});

test('nats - reports which mode runs', (t) => {
  t.diagnostic(natsModeBanner(mode));
  // CI must run the containerised server; the banner names what really runs: the image, or the binary's path.
  if (process.env.CI === 'true') assert.equal(mode, 'docker');
  if (process.env.SYNCGRAD_NATS_MODE) assert.equal(mode, process.env.SYNCGRAD_NATS_MODE);
  if (mode === 'docker') assert.equal(natsModeBanner(mode), `NATS integration mode: docker (testcontainers, image ${natsImage()})`);
  else {
    const bin = findNatsServer();
    assert.ok(bin, 'binary mode needs a nats-server on PATH');
    assert.equal(natsModeBanner(mode), `NATS integration mode: binary (${bin} child process)`);
  }
});

async function roundTrip(nc: NatsConnection, subject: string, payload: Uint8Array): Promise<Uint8Array> {
  const sub = nc.subscribe(subject, { max: 1 });
  await nc.flush(); // the subscription is known to the server before the publish
  nc.publish(subject, payload);
  for await (const m of sub) return m.data;
  throw new Error(`no message on ${subject}`);
}

function portOf(url: string): number {
  return Number(new URL(url.replace(/^nats:/, 'http:')).port);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

test('nats - connects and round-trips a message', async () => {
  await using nats = await startNats();
  assert.match(nats.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
  const nc = await connect({ servers: nats.url });
  try {
    const got = await roundTrip(nc, 'smoke.hello', sc.encode('hello'));
    assert.equal(sc.decode(got), 'hello');
    const rep = nc.subscribe('smoke.echo');
    (async () => {
      for await (const m of rep) m.respond(sc.encode(`echo:${sc.decode(m.data)}`));
    })().catch(() => {});
    const reply = await nc.request('smoke.echo', sc.encode('ping'), { timeout: 2000 });
    assert.equal(sc.decode(reply.data), 'echo:ping');
  } finally {
    await nc.drain();
  }
});

test('nats - max_payload from the config file is honoured', async () => {
  const maxPayload = 4 * 1024 * 1024;
  await using nats = await startNats({ maxPayload });
  const nc = await connect({ servers: nats.url });
  try {
    assert.equal(nc.info?.max_payload, maxPayload);
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const got = await roundTrip(nc, 'smoke.big', big);
    assert.equal(got.length, big.length);
    assert.deepEqual(got.subarray(0, 1000), big.subarray(0, 1000));
    assert.throws(() => nc.publish('smoke.big', new Uint8Array(maxPayload + 1)), /MAX_PAYLOAD_EXCEEDED|payload/i);
  } finally {
    await nc.drain();
  }
});

test('nats - restart keeps the url and a client reconnects', async () => {
  const port = await freePort();
  await using nats = await startNats({ port });
  assert.equal(portOf(nats.url), port);
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  try {
    const events: string[] = [];
    let onReconnect!: () => void;
    const reconnected = new Promise<void>((resolve) => (onReconnect = resolve));
    (async () => {
      for await (const s of nc.status()) {
        events.push(s.type);
        if (s.type === Events.Reconnect) onReconnect();
      }
    })().catch(() => {});

    assert.equal(sc.decode(await roundTrip(nc, 'smoke.before', sc.encode('1'))), '1');
    const urlBefore = nats.url;
    await nats.restart();
    assert.equal(nats.url, urlBefore);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      reconnected,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no reconnect; events ${events.join(',')}`)), 15_000);
      }),
    ]).finally(() => clearTimeout(timer));
    assert.ok(events.includes(Events.Disconnect), `events: ${events.join(',')}`);
    assert.equal(sc.decode(await roundTrip(nc, 'smoke.after', sc.encode('2'))), '2');

    // stop() is an outage the same server comes back from
    await nats.stop();
    assert.equal(await accepts(port), false);
    await nats.restart();
    assert.equal(await accepts(port), true);
  } finally {
    await nc.close();
  }
});

test('nats - jetstream object store works when enabled', async () => {
  await using nats = await startNats({ jetstream: true });
  let nc = await connect({ servers: nats.url });
  const data = new Uint8Array(300_000).map((_, i) => (i * 7) % 256); // several chunks
  try {
    const os = await nc.jetstream().views.os('smoke-models');
    const info = await os.putBlob({ name: 'weights.bin' }, data);
    assert.equal(info.size, data.length);
    assert.deepEqual(await os.getBlob('weights.bin'), data);
  } finally {
    await nc.drain();
  }
  // the store lives on through a restart
  await nats.restart();
  nc = await connect({ servers: nats.url });
  try {
    const os = await nc.jetstream().views.os('smoke-models');
    assert.deepEqual(await os.getBlob('weights.bin'), data);
  } finally {
    await nc.drain();
  }
});

test('nats - close is idempotent and leaves no process/container running', async () => {
  const nats = await startNats({ jetstream: true, maxPayload: 2 * 1024 * 1024 });
  const port = portOf(nats.url);
  assert.equal(await accepts(port), true);
  await Promise.all([nats.close(), nats.close()]);
  await nats.close();
  await nats[Symbol.asyncDispose]();
  assert.equal(await accepts(port), false);
  await assert.rejects(nats.restart(), /closed/);

  if (nats.mode === 'docker') {
    // every server of this test process, this one and those of the tests above, is gone
    const ps = spawnSync('docker', ['ps', '-a', '-q', '--filter', `label=${OWNER_LABEL}=${process.pid}`], { encoding: 'utf8' });
    assert.equal(ps.status, 0, ps.stderr);
    assert.equal(ps.stdout.trim(), '', 'containers left running');
  } else {
    const ps = spawnSync('ps', ['-eo', 'ppid=,args='], { encoding: 'utf8' });
    const mine = ps.stdout.split('\n').filter((l) => l.trim().startsWith(`${process.pid} `) && l.includes('nats-server'));
    assert.deepEqual(mine, [], 'nats-server processes left running');
  }
});
