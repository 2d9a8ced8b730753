// A real NATS server for integration tests, in one of two modes:
//   docker — a container started with testcontainers (@testcontainers/nats), image from SYNCGRAD_NATS_IMAGE
//            or else the FROM line of test/nats/Dockerfile (a local image that scripts/setup-test-env.mjs
//            builds from Debian's nats-server without any registry pull);
//   binary — a `nats-server` child process on a free loopback port.
// SYNCGRAD_NATS_MODE picks the mode (scripts/setup-test-env.mjs sets it for `npm test`); unset, docker is
// used when the engine answers and has the image, else binary. With CI=true or SYNCGRAD_REQUIRE_DOCKER=1
// docker is required and its absence is an error. The first server a process starts logs which mode ran.
//
// Both modes serve the same thing: no auth unless asked for, a fixed URL for the server's life (restart() comes back on the
// same port), options set through a config file (nats-server 2.9 takes max_payload only from one).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, which } from '../../common/host.js';
import type { StartedTestContainer } from 'testcontainers';

export type NatsMode = 'docker' | 'binary';

export interface NatsServerOptions {
  /** Bytes; written to the server's config file (nats-server 2.9 warns above 8 MiB, allows up to max_pending). */
  maxPayload?: number;
  /** Enables JetStream with a store directory private to this server. */
  jetstream?: boolean;
  /** Fixed host port. Without it a free port is picked; either way restart() keeps the URL. */
  port?: number;
  /** Require these credentials (an `authorization` block in the config); without it there is no auth. */
  authorization?: { user: string; password: string } | { token: string };
  /** Serve TLS only, with this PEM certificate and key. */
  tls?: { cert: string; key: string };
}

export interface StartedNats extends AsyncDisposable {
  /** nats://127.0.0.1:PORT, no credentials; the same for the server's whole life. */
  url: string;
  mode: NatsMode;
  /** Stops the server if it runs, then starts it again on the same URL; JetStream data survives. */
  restart(): Promise<void>;
  /** Stops the server (clients see an outage) but keeps its state, so restart() can bring it back. */
  stop(): Promise<void>;
  /** Stops the server and removes its container / process and temp files. Idempotent. */
  close(): Promise<void>;
}

/** Label put on test containers, valued with the test process's pid, so leftovers of a crashed run can be found. */
export const OWNER_LABEL = 'org.syncgrad.test.owner-pid';
const DOCKERFILE = fileURLToPath(new URL('../nats/Dockerfile', import.meta.url));
const CONTAINER_CONF = '/etc/syncgrad-nats.conf';
const CONTAINER_STORE = '/data/jetstream';
const DEFAULT_MAX_PENDING = 64 * 1024 * 1024;
const READY_TIMEOUT_MS = 15_000;

/** The image of docker mode: SYNCGRAD_NATS_IMAGE, else the FROM line of test/nats/Dockerfile. */
export function natsImage(): string {
  const fromEnv = process.env.SYNCGRAD_NATS_IMAGE;
  if (fromEnv) return fromEnv;
  const m = /^\s*FROM\s+(\S+)/im.exec(readFileSync(DOCKERFILE, 'utf8'));
  if (!m?.[1]) throw new Error(`${DOCKERFILE} has no FROM line`);
  return m[1];
}

function dockerRequired(): boolean {
  return process.env.CI === 'true' || process.env.SYNCGRAD_REQUIRE_DOCKER === '1';
}

export function natsModeBanner(mode: NatsMode): string {
  if (mode === 'docker') return `NATS integration mode: docker (testcontainers, image ${natsImage()})`;
  return `NATS integration mode: binary (${findNatsServer() ?? 'nats-server (not found)'} child process)`;
}

// testcontainers reads these when it first talks to the engine; `npm test` sets them, this covers direct runs.
function setTestcontainersEnv(): void {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
}

/** GET on the Docker engine API (DOCKER_HOST unix:// or tcp://, else /var/run/docker.sock); the status code or null. */
function dockerApiStatus(path: string): Promise<number | null> {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  let target: { socketPath: string } | { host: string; port: number };
  if (host.startsWith('unix://')) target = { socketPath: host.slice('unix://'.length) };
  else if (host.startsWith('tcp://')) {
    const u = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: u.hostname, port: Number(u.port || 2375) };
  } else return Promise.resolve(null);
  return new Promise((resolve) => {
    const req = request({ ...target, path, method: 'GET', timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? null);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

let modePromise: Promise<NatsMode> | undefined;

/** The mode this process's servers run in (decided once). */
export function resolveNatsMode(): Promise<NatsMode> {
  modePromise ??= (async (): Promise<NatsMode> => {
    const requested = process.env.SYNCGRAD_NATS_MODE;
    if (requested === 'docker') return 'docker';
    if (requested === 'binary') {
      if (dockerRequired()) throw new Error('SYNCGRAD_NATS_MODE=binary, but CI=true / SYNCGRAD_REQUIRE_DOCKER=1 require docker');
      return 'binary';
    }
    if (requested) throw new Error(`SYNCGRAD_NATS_MODE must be docker or binary, not ${JSON.stringify(requested)}`);
    if ((await dockerApiStatus('/_ping')) === 200) {
      const image = natsImage();
      // A local-only image that is missing cannot be pulled; an official one (nats:2.10) can be.
      if (!image.endsWith('-local') || (await dockerApiStatus(`/images/${encodeURIComponent(image)}/json`)) === 200) {
        return 'docker';
      }
      if (dockerRequired()) throw new Error(`image ${image} is missing: run node scripts/setup-test-env.mjs`);
      return 'binary';
    }
    if (dockerRequired()) {
      throw new Error(
        'the NATS integration tests require Docker (CI=true or SYNCGRAD_REQUIRE_DOCKER=1) but no engine answers: ' +
          'run node scripts/setup-test-env.mjs as root',
      );
    }
    return 'binary';
  })();
  return modePromise;
}

export function findNatsServer(): string | null {
  return which('nats-server') ?? null;
}

export { freePort };

function configText(options: NatsServerOptions, storeDir: string, extra: string[] = [], tlsDir = ''): string {
  const lines = [...extra];
  if (options.tls)
    lines.push('tls {', `  cert_file: ${JSON.stringify(join(tlsDir, 'cert.pem'))}`, `  key_file: ${JSON.stringify(join(tlsDir, 'key.pem'))}`, '}');
  if (options.maxPayload !== undefined) {
    if (!Number.isInteger(options.maxPayload) || options.maxPayload <= 0) {
      throw new Error(`maxPayload must be a positive integer, got ${options.maxPayload}`);
    }
    lines.push(`max_payload: ${options.maxPayload}`);
    // the server refuses max_payload > max_pending
    if (options.maxPayload > DEFAULT_MAX_PENDING) lines.push(`max_pending: ${options.maxPayload}`);
  }
  if (options.jetstream) lines.push(`jetstream {`, `  store_dir: ${JSON.stringify(storeDir)}`, `}`);
  const auth = options.authorization;
  if (auth) {
    const body =
      'token' in auth ? [`  token: ${JSON.stringify(auth.token)}`] : [`  user: ${JSON.stringify(auth.user)}`, `  password: ${JSON.stringify(auth.password)}`];
    lines.push('authorization {', ...body, '}');
  }
  return lines.join('\n') + '\n';
}

// Everything still running when the process exits is killed here, so a forgotten close() leaks nothing.
const live = new Set<{ killNow(): void }>();
let exitHookInstalled = false;
function track(entry: { killNow(): void }): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const e of live) e.killNow();
    });
  }
  live.add(entry);
}

let bannerShown = false;
function showBanner(mode: NatsMode): void {
  if (bannerShown) return;
  bannerShown = true;
  console.log(natsModeBanner(mode));
}

export async function startNats(options: NatsServerOptions = {}): Promise<StartedNats> {
  const mode = await resolveNatsMode();
  showBanner(mode);
  const port = options.port ?? (await freePort());
  return mode === 'docker' ? startDocker(options, port) : startBinary(options, port);
}

// ---- docker mode ---------------------------------------------------------------------------------

async function startDocker(options: NatsServerOptions, port: number): Promise<StartedNats> {
  setTestcontainersEnv();
  const { NatsContainer } = await import('@testcontainers/nats');
  const { getContainerRuntimeClient } = await import('testcontainers');

  // NatsContainer always passes --user test --pass test; the binary mode has no auth, and nats.js v2
  // ignores credentials in a URL, so drop them to keep one plain URL for both modes.
  class AnonymousNatsContainer extends NatsContainer {
    override withCommand(command: string[]): this {
      const kept: string[] = [];
      for (let i = 0; i < command.length; i++) {
        if (command[i] === '--user' || command[i] === '--pass') i++;
        else kept.push(command[i]!);
      }
      return super.withCommand(kept);
    }
  }

  const image = natsImage();
  // Server options go in a config file: `withArg('--max_payload', …)` is no flag of nats-server and makes it exit.
  const tlsDir = '/etc/nats/tls';
  const conf = configText(options, CONTAINER_STORE, ['port: 4222', 'http_port: 8222'], tlsDir);
  const tlsFiles = options.tls
    ? [
        { content: options.tls.cert, target: `${tlsDir}/cert.pem` },
        { content: options.tls.key, target: `${tlsDir}/key.pem` },
      ]
    : [];
  const container = new AnonymousNatsContainer(image)
    .withCopyContentToContainer([{ content: conf, target: CONTAINER_CONF }, ...tlsFiles])
    .withArg('-c', CONTAINER_CONF)
    // A fixed host port: docker maps a fresh random one on each restart otherwise.
    .withExposedPorts({ container: 4222, host: port })
    .withLabels({ [OWNER_LABEL]: String(process.pid) });
  const started: StartedTestContainer = await container.start();
  const id = started.getId();
  const url = `nats://${started.getHost()}:${started.getMappedPort(4222)}`;
  try {
    await waitForNats(port); // through docker's port forwarding, as clients will connect
  } catch (e) {
    await started.stop({ remove: true, removeVolumes: true, timeout: 0 }).catch(() => {});
    throw e;
  }

  const entry = {
    killNow(): void {
      spawnSync('docker', ['rm', '-f', '-v', id], { stdio: 'ignore', timeout: 10_000 });
    },
  };
  track(entry);

  let closed: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (closed) throw new Error('NATS container already closed');
    const client = await getContainerRuntimeClient();
    await client.container.stop(client.container.getById(id), { timeout: 2000 });
  };
  const close = (): Promise<void> => {
    closed ??= (async () => {
      try {
        await started.stop({ remove: true, removeVolumes: true, timeout: 2000 });
      } finally {
        live.delete(entry);
      }
    })();
    return closed;
  };
  return {
    url,
    mode: 'docker',
    async restart() {
      if (closed) throw new Error('NATS container already closed');
      // Not started.restart(): its log wait only reads lines logged after the container's StartedAt, and
      // nats-server can print "Server is ready" before docker records that time (seen after a stop()),
      // which leaves it waiting the full 120 s. Readiness here is the server's INFO line on the host port.
      const client = await getContainerRuntimeClient();
      const handle = client.container.getById(id);
      await client.container.restart(handle, { timeout: 2000 });
      const inspect = await client.container.inspect(handle);
      const hostPort = inspect.NetworkSettings.Ports['4222/tcp']?.[0]?.HostPort;
      if (Number(hostPort) !== port) throw new Error(`restarted NATS container moved from port ${port} to ${hostPort}`);
      await waitForNats(port);
    },
    stop,
    close,
    [Symbol.asyncDispose]: close,
  };
}

// ---- binary mode ---------------------------------------------------------------------------------

async function startBinary(options: NatsServerOptions, port: number): Promise<StartedNats> {
  const bin = findNatsServer();
  if (!bin) {
    throw new Error('nats-server is not installed: run node scripts/setup-test-env.mjs as root, or apt-get install -y nats-server');
  }
  const dir = await mkdtemp(join(tmpdir(), 'syncgrad-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  try {
    if (options.maxPayload !== undefined || options.authorization || options.tls) {
      if (options.tls) {
        await writeFile(join(dir, 'cert.pem'), options.tls.cert);
        await writeFile(join(dir, 'key.pem'), options.tls.key);
      }
      const conf = join(dir, 'nats.conf');
      await writeFile(conf, configText({ maxPayload: options.maxPayload, authorization: options.authorization, tls: options.tls }, '', [], dir));
      args.push('-c', conf);
    }
    if (options.jetstream) args.push('-js', '-sd', join(dir, 'jetstream'));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  let child: ChildProcess | undefined;
  const entry = {
    killNow(): void {
      child?.kill('SIGKILL');
    },
  };

  const launch = async (): Promise<void> => {
    const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.unref();
    const stderr = proc.stderr;
    (stderr as unknown as { unref?: () => void }).unref?.();
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`nats-server not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        log = (log + chunk.toString()).slice(-4000);
        if (log.includes('Server is ready')) done();
      };
      const onExit = (code: number | null, signal: string | null): void => fail(new Error(`nats-server exited (${signal ?? code}) before it was ready`));
      const cleanup = (): void => {
        clearTimeout(timer);
        stderr.off('data', onData);
        proc.off('exit', onExit);
        proc.off('error', fail);
        stderr.resume(); // keep draining, or a chatty server blocks on a full pipe
      };
      function done(): void {
        cleanup();
        resolve();
      }
      function fail(err: Error): void {
        cleanup();
        proc.kill('SIGKILL');
        reject(new Error(`${err.message}\n${bin} ${args.join(' ')}\n${log}`));
      }
      stderr.on('data', onData);
      proc.once('exit', onExit);
      proc.once('error', fail);
    });
    await waitForNats(port);
  };

  const halt = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };

  track(entry);
  try {
    await launch();
  } catch (e) {
    live.delete(entry);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      try {
        await halt();
      } finally {
        live.delete(entry);
        await rm(dir, { recursive: true, force: true });
      }
    })();
    return closed;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    mode: 'binary',
    async restart() {
      if (closed) throw new Error('nats-server already closed');
      await halt();
      await launch();
    },
    async stop() {
      if (closed) throw new Error('nats-server already closed');
      await halt();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Resolves once a NATS server greets a new connection on 127.0.0.1:port with its INFO line. A bare TCP
 * accept is not enough: docker's userland proxy accepts on the host port before the server listens.
 */
function waitForNats(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      let buf = '';
      let settled = false;
      const sock = tcpConnect({ host: '127.0.0.1', port });
      sock.setTimeout(2000);
      const retry = (): void => {
        if (settled) return;
        settled = true;
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`no NATS server answers on 127.0.0.1:${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      };
      sock.on('data', (chunk) => {
        buf += chunk.toString('latin1');
        if (!buf.includes('\r\n')) return;
        settled = true;
        sock.destroy();
        if (buf.startsWith('INFO ')) resolve();
        else reject(new Error(`unexpected greeting on 127.0.0.1:${port}: ${buf.slice(0, 80)}`));
      });
      sock.on('timeout', retry);
      sock.on('error', retry);
      sock.on('close', retry);
    };
    attempt();
  });
}
