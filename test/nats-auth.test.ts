// NATS credentials from the environment (NATS_USER/NATS_PASSWORD, NATS_TOKEN, …), against real
// servers that require them: the right ones connect, wrong or missing ones give one clear line,
// and a launched cluster (coordinator in-process, worker processes inheriting the env) trains.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, TimeoutError } from '../common/errors.js';
import { connectNats, NATS_ENV, natsAuthOptions } from '../common/wire/connect.js';
import type { TrainReport } from '../common/run/report.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';
import { cli, tempDir, tinyShapes, useBackend, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

const USER = { user: 'run1', password: 's3cret pass' };
const TOKEN = 'tok-8f2a';
let withUser: StartedNats;
let withToken: StartedNats;
let tmp: TempDir;
let data: string;

before(async () => {
  await useBackend(TEST_BACKEND);
  tmp = await tempDir();
  data = await tinyShapes(join(tmp.path, 'shapes'), 8, 16);
  [withUser, withToken] = await Promise.all([startNats({ authorization: USER }), startNats({ authorization: { token: TOKEN } })]);
});
after(async () => {
  await Promise.all([withUser?.close(), withToken?.close()]);
  await tmp?.[Symbol.asyncDispose]();
});

/** Runs `fn` with these NATS_* variables set (others unset), restoring the environment after. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const keys = ['NATS_URL', ...NATS_ENV];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  for (const k of keys) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

test('nats auth - env variables map to connect() options, and conflicting or half-set ones are config errors', async () => {
  assert.deepEqual(natsAuthOptions({}), {});
  assert.deepEqual(natsAuthOptions({ NATS_USER: 'a', NATS_PASSWORD: 'b' }), { user: 'a', pass: 'b' });
  assert.deepEqual(natsAuthOptions({ NATS_TOKEN: 't' }), { token: 't' });
  assert.throws(
    () => natsAuthOptions({ NATS_USER: 'a' }),
    (e) => e instanceof ConfigError && /NATS_USER and NATS_PASSWORD/.test(e.message),
  );
  assert.throws(
    () => natsAuthOptions({ NATS_USER: 'a', NATS_PASSWORD: 'b', NATS_TOKEN: 't' }),
    (e) => e instanceof ConfigError && /only one of/.test(e.message),
  );
  const missing = join(tmp.path, 'nope.creds');
  assert.throws(
    () => natsAuthOptions({ NATS_CREDS: missing }),
    (e) => e instanceof ConfigError && e.message.includes(missing) && /ENOENT/.test(e.message),
  );
  assert.throws(
    () => natsAuthOptions({ NATS_TLS_CERT: missing }),
    (e) => e instanceof ConfigError && /NATS_TLS_KEY/.test(e.message),
  );
  const seed = join(tmp.path, 'user.nk');
  // A syntactically valid user seed (nkeys test vector); only the parse is exercised here.
  await writeFile(seed, 'SUAMLK2ZNL35WSMW37E7UD4VZ7ELPKW7DHC3BWBSD2GCZ7IUQQXZIORRBU\n');
  assert.equal(typeof natsAuthOptions({ NATS_NKEY: seed }).authenticator, 'function');
});

test('nats auth - user/password and token servers accept the right credentials and refuse others with a ConfigError', async () => {
  const nc = await connectNats(withUser.url, 'auth-test', { NATS_USER: USER.user, NATS_PASSWORD: USER.password });
  await nc.flush();
  await nc.close();
  const tc = await connectNats(withToken.url, 'auth-test', { NATS_TOKEN: TOKEN });
  await tc.flush();
  await tc.close();

  for (const [url, env] of [
    [withUser.url, { NATS_USER: USER.user, NATS_PASSWORD: 'wrong' }],
    [withUser.url, {}],
    [withToken.url, { NATS_TOKEN: 'wrong' }],
  ] as const) {
    await assert.rejects(
      connectNats(url, 'auth-test', env),
      (e) => e instanceof ConfigError && e.message.includes(url) && /refused the credentials/.test(e.message),
    );
  }
});

test('nats auth - a coordinator with wrong credentials fails with one line naming NATS, no stack', async () => {
  const r = await withEnv({ NATS_USER: USER.user, NATS_PASSWORD: 'wrong' }, () =>
    cli(
      'coordinator',
      '--nats',
      withUser.url,
      '--data',
      data,
      '--image-size',
      '16',
      '--epochs',
      '1',
      '--backend',
      TEST_BACKEND,
      '--progress',
      'none',
      '--no-audit',
      '--out',
      join(tmp.path, 'refused'),
    ),
  );
  assert.notEqual(r.code, 0);
  const lines = r.err.filter((l) => l.startsWith('syncgrad: '));
  assert.equal(lines.length, 1, r.err.join('\n'));
  assert.match(lines[0]!, /refused the credentials/);
  assert.ok(!r.err.some((l) => /^\s+at /.test(l)), 'no stack trace');
});

test('nats auth - a launched cluster passes the credentials to its worker processes and trains', async () => {
  const out = join(tmp.path, 'auth-run');
  const r = await withEnv({ NATS_URL: withToken.url, NATS_TOKEN: TOKEN }, () =>
    cli(
      'cluster',
      '--data',
      data,
      '--image-size',
      '16',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--lr',
      '1e-3',
      '--workers',
      '1',
      '--backend',
      TEST_BACKEND,
      '--out',
      out,
      '--progress',
      'none',
      '--no-audit',
      '--fps-batches',
      '1',
    ),
  );
  assert.equal(r.code, 0, r.err.join('\n'));
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as TrainReport;
  assert.equal(report.workers, 1);
});

test("nats auth - a TLS server: connections that trust its certificate move large messages through syncgrad's transport intact, others are refused", async () => {
  const cert = join(tmp.path, 'tls-cert.pem');
  const key = join(tmp.path, 'tls-key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(made.status, 0, `openssl: ${made.stderr}`);
  const server = await startNats({ tls: { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') }, maxPayload: 8 * 1024 * 1024 });
  try {
    await assert.rejects(connectNats(server.url, 'tls-test', {}), (e) => e instanceof TimeoutError);
    const [a, b] = await Promise.all([connectNats(server.url, 'tls-a', { NATS_TLS_CA: cert }), connectNats(server.url, 'tls-b', { NATS_TLS_CA: cert })]);
    try {
      const encrypted = (nc: unknown) => (nc as { protocol: { transport: { isEncrypted(): boolean } } }).protocol.transport.isEncrypted();
      assert.ok(encrypted(a) && encrypted(b));
      const sizes = [10, 70_000, 3_000_000, 8 * 1024 * 1024 - 1024];
      const sent = sizes.map((n, i) => Uint8Array.from({ length: n }, (_, k) => (k * 31 + i) & 0xff));
      const got: Uint8Array[] = [];
      const all = new Promise<void>((resolve) =>
        b.subscribe('tls.t', { callback: (_e, m) => (got.push(m.data.slice()), got.length === sent.length && resolve()) }),
      );
      b.subscribe('tls.echo', { callback: (_e, m) => m.respond(m.data) });
      await b.flush();
      for (const d of sent) a.publish('tls.t', d);
      await all;
      got.forEach((g, i) => assert.ok(Buffer.from(g).equals(Buffer.from(sent[i]!)), `message ${i} (${sizes[i]} bytes)`));
      const reply = await a.request('tls.echo', sent[2], { timeout: 10_000 });
      assert.ok(Buffer.from(reply.data).equals(Buffer.from(sent[2]!)));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  } finally {
    await server.close();
  }
});
