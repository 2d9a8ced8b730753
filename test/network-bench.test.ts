// The network bench (`bench exchange --hosts N`) on emulated hosts: network namespaces, shaped
// links, a NATS server per host or one for all. What it reports is what the links carried (the
// interface counters) against the ring all-reduce's figure, and it leaves no namespace behind,
// interrupted or not. Needs root and iproute2, as CI has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { cli } from './helpers/fixtures.js';
import { which } from '../common/host.js';

const BIN = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));
const canRun = process.getuid?.() === 0 && which('ip') !== undefined && which('tc') !== undefined && which('nats-server') !== undefined;
const skip = canRun ? false : 'needs root, iproute2 and nats-server';
/** The 64² seed CNN: 4.85 MB of fp32 gradient, quick to move at 1 Gbit/s. */
const PARAMS = '1212742';

function namespaces(pid: number): string[] {
  return (spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter((l) => l.startsWith(`sg${pid}-`));
}

interface HostBytes {
  host: string;
  txBytesPerStep: number;
  rxBytesPerStep: number;
}

async function bench(...args: string[]) {
  const r = await cli('bench', 'exchange', '--params', PARAMS, '--steps', '3', '--warmup', '1', '--no-torch', '--json', ...args);
  assert.equal(r.code, 0, r.err.join('\n'));
  return JSON.parse(r.out[r.out.length - 1]!) as {
    ring: { bytesPerHost: number };
    wireBytes: number;
    syncgrad: { perHost: HostBytes[]; repairs: number; medianSeconds: number; cpuSecondsPerStep: Record<string, number> };
  };
}

test(
  "network bench - a server per host: every host link carries the ring all-reduce's bytes, no chunk is asked for twice, nothing is left behind",
  { skip },
  async () => {
    const j = await bench('--hosts', '3', '--link', '1gbit', '--layout', 'per-host');
    const M = 1212742 * 4;
    assert.equal(j.wireBytes, M);
    assert.ok(Math.abs(j.ring.bytesPerHost - (4 / 3) * M) < 1, 'ring: 2(N−1)/N of the gradient');
    assert.equal(j.syncgrad.perHost.length, 3);
    for (const h of j.syncgrad.perHost) {
      for (const b of [h.txBytesPerStep, h.rxBytesPerStep])
        assert.ok(b >= 0.98 * j.ring.bytesPerHost && b <= 1.02 * j.ring.bytesPerHost, `${h.host}: ${b} bytes a step against the ring's ${j.ring.bytesPerHost}`);
    }
    assert.equal(j.syncgrad.repairs, 0);
    for (const p of ['nats-server h0', 'nats-server h2', 'worker h1-w0', 'coordinator'])
      assert.ok(j.syncgrad.cpuSecondsPerStep[p]! > 0, `${p}: ${JSON.stringify(j.syncgrad.cpuSecondsPerStep)}`);
    assert.deepEqual(namespaces(process.pid), []);
  },
);

test("network bench - one server for all: its link carries N·M in and 2(N−1)·M out, each worker's about M each way", { skip }, async () => {
  const j = await bench('--hosts', '3', '--link', '2.5gbit', '--layout', 'single');
  const M = j.wireBytes;
  const by = Object.fromEntries(j.syncgrad.perHost.map((h) => [h.host, h]));
  const near = (x: number, want: number, what: string) => assert.ok(Math.abs(x - want) / want < 0.02, `${what}: ${x} against ${want}`);
  near(by.nats!.rxBytesPerStep, 3 * M, 'server in');
  near(by.nats!.txBytesPerStep, 4 * M, 'server out');
  for (const h of ['h0', 'h1', 'h2']) near(by[h]!.txBytesPerStep, M, `${h} out`);
  assert.deepEqual(namespaces(process.pid), []);
});

test('network bench - interrupted, it removes its namespaces and ends what ran in them', { skip }, async () => {
  const child = spawn(process.execPath, [BIN, 'bench', 'exchange', '--hosts', '2', '--params', PARAMS, '--steps', '200', '--no-torch'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr }).on('line', (l) => {
      lines.push(l);
      if (/worker\(s\) on 2 host/.test(l)) resolve();
    });
    child.once('exit', () => reject(new Error(`bench ended early: ${lines.join(' | ')}`)));
  });
  assert.equal(namespaces(child.pid!).length, 3, 'two hosts and the switch');
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  assert.deepEqual(namespaces(child.pid!), []);
  // What ran in the namespaces was SIGKILLed on the way out, not waited for: poll, with a deadline.
  const runs = () => spawnSync('pgrep', ['-f', `bench-network-${child.pid}`]).status !== 1;
  for (const deadline = Date.now() + 10_000; runs() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
  assert.equal(runs(), false, 'no worker of it runs');
});
