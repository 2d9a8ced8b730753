// Finding a NATS server for the local launcher, the way torchrun finds its rendezvous: NATS_URL
// when set; else a `nats-server` from PATH on a free port; else one in Docker; else, as root on
// Debian, install Debian's nats-server and use that. Whatever it starts, close() stops and reaps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort, which } from '../common/host.js';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeoutError } from '../common/errors.js';
import type { Io } from '../common/console/io.js';

/** nats-server is ready in ~50 ms here; a container in ~1 s. */
const READY_TIMEOUT_MS = 20_000;
export const DEFAULT_DOCKER_NATS_IMAGE = 'nats:2.10';
/**
 * Tensor chunks are sized from the server's max_payload. 8 MiB instead of the 1 MiB default took
 * the seed-scale exchange (bench exchange, N=2, fp32) from 2.24 s to 1.50–1.75 s a step here.
 */
export const PROVIDED_MAX_PAYLOAD = 8 * 1024 * 1024;
/**
 * The server's per-client outbound buffer. In the sharded exchange a worker still computing (wasm
 * blocks its event loop) reads nothing while its peers push it their parts: up to (N−1)/N of a
 * gradient, 32–57 MB at the seed's size for N = 2–8, beside a pull's 4 chunks in flight. The
 * default 64 MB would leave no room; a client past it is cut off as a slow consumer.
 */
export const PROVIDED_MAX_PENDING = 256 * 1024 * 1024;

/** The config the launcher's own server runs with (deploy/nats/nats.conf says the same). */
export function providedNatsConfig(): string {
  return `max_payload: ${PROVIDED_MAX_PAYLOAD}\nmax_pending: ${PROVIDED_MAX_PENDING}\n`;
}

function writeConfig(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'syncgrad-nats-'));
  const file = join(dir, 'nats.conf');
  writeFileSync(file, providedNatsConfig());
  return { dir, file };
}

export interface ProvidedNats {
  url: string;
  /** How it was found: env, binary, docker, apt. */
  source: string;
  close(): Promise<void>;
  /** Ends a server this process started, at once and synchronously: the forced-exit path, which does not wait for close(). */
  killNow(): void;
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
  const conf = writeConfig();
  const child = spawn(bin, ['-c', conf.file, '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    await waitForPort(port, child);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(conf.dir, { recursive: true, force: true });
    throw e;
  }
  let closed = false;
  return {
    url: `nats://127.0.0.1:${port}`,
    source,
    killNow() {
      child.kill('SIGKILL');
      rmSync(conf.dir, { recursive: true, force: true });
    },
    async close() {
      if (closed) return;
      closed = true;
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(conf.dir, { recursive: true, force: true });
    },
  };
}

function dockerWorks(): boolean {
  return which('docker') !== undefined && spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

async function startDocker(): Promise<ProvidedNats> {
  const port = await freePort();
  const image = process.env.SYNCGRAD_NATS_IMAGE ?? DEFAULT_DOCKER_NATS_IMAGE;
  const conf = writeConfig();
  const r = spawnSync(
    'docker',
    ['run', '-d', '--rm', '-p', `127.0.0.1:${port}:4222`, '-v', `${conf.file}:/etc/nats/syncgrad.conf:ro`, image, '-c', '/etc/nats/syncgrad.conf'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) {
    rmSync(conf.dir, { recursive: true, force: true });
    throw new TimeoutError(`docker run ${image} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  }
  const id = r.stdout.trim();
  await waitForPort(port);
  let closed = false;
  return {
    url: `nats://127.0.0.1:${port}`,
    source: `docker (${image})`,
    killNow() {
      spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
      rmSync(conf.dir, { recursive: true, force: true });
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
      rmSync(conf.dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function aptInstall(io: Io): boolean {
  if (process.getuid?.() !== 0 || !which('apt-get')) return false;
  io.err("launcher: no NATS server found; installing Debian's nats-server (apt-get install -y nats-server) ...");
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
  if (process.env.NATS_URL) return { url: process.env.NATS_URL, source: 'NATS_URL', close: async () => {}, killNow: () => {} };
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
