// Finding a NATS server for the local launcher, the way torchrun finds its rendezvous: NATS_URL
// when set; else a `nats-server` from PATH on a free port; else one in Docker; else, as root on
// Debian, install Debian's nats-server and use that. Whatever it starts, close() stops and reaps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { TimeoutError } from '../common/errors.js';
import type { Io } from '../common/io.js';

/** nats-server is ready in ~50 ms here; a container in ~1 s. */
const READY_TIMEOUT_MS = 20_000;
export const DEFAULT_DOCKER_NATS_IMAGE = 'nats:2.10';

export interface ProvidedNats {
  url: string;
  /** How it was found: env, binary, docker, apt. */
  source: string;
  close(): Promise<void>;
}

export function which(name: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    if (!d) continue;
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new TimeoutError(`nats-server exited with code ${child.exitCode} before accepting connections`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = tcpConnect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new TimeoutError(`NATS did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s`);
}

async function spawnBinary(bin: string, source: string): Promise<ProvidedNats> {
  const port = await freePort();
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  await waitForPort(port, child);
  let closed = false;
  return {
    url: `nats://127.0.0.1:${port}`,
    source,
    async close() {
      if (closed) return;
      closed = true;
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function dockerWorks(): boolean {
  return which('docker') !== undefined && spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

async function startDocker(): Promise<ProvidedNats> {
  const port = await freePort();
  const image = process.env.SYNCGRAD_NATS_IMAGE ?? DEFAULT_DOCKER_NATS_IMAGE;
  const r = spawnSync('docker', ['run', '-d', '--rm', '-p', `127.0.0.1:${port}:4222`, image], { encoding: 'utf8' });
  if (r.status !== 0) throw new TimeoutError(`docker run ${image} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  const id = r.stdout.trim();
  await waitForPort(port);
  let closed = false;
  return {
    url: `nats://127.0.0.1:${port}`,
    source: `docker (${image})`,
    async close() {
      if (closed) return;
      closed = true;
      spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
    },
  };
}

function aptInstall(io: Io): boolean {
  if (process.getuid?.() !== 0 || !which('apt-get')) return false;
  io.err('launcher: no NATS server found; installing Debian\'s nats-server (apt-get install -y nats-server) ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', 'nats-server'], { stdio: 'ignore', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
    r = spawnSync('apt-get', ['install', '-y', '-q', 'nats-server'], { stdio: 'ignore', env });
  }
  return r.status === 0;
}

/** Returns a usable NATS server, or undefined when none can be had here (the caller decides what then). */
export async function provideNats(io: Io, opts: { allowInstall: boolean }): Promise<ProvidedNats | undefined> {
  if (process.env.NATS_URL) return { url: process.env.NATS_URL, source: 'NATS_URL', close: async () => {} };
  const bin = which('nats-server');
  if (bin) return spawnBinary(bin, `nats-server from PATH (${bin})`);
  if (dockerWorks()) {
    try {
      return await startDocker();
    } catch (e) {
      io.err(`launcher: ${(e as Error).message}`);
    }
  }
  if (opts.allowInstall && aptInstall(io)) {
    const installed = which('nats-server');
    if (installed) return spawnBinary(installed, 'nats-server installed from Debian');
  }
  return undefined;
}
