// A real 3-server NATS cluster for tests: nats-server binaries joined by routes (a full mesh), each
// with its own client port, cluster port and monitoring port. kill(i) takes one server down hard
// (SIGKILL), as a crashed host would. close() reaps every server and removes the config files.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNatsServer, freePort } from './nats-server.js';

/** Routes form in well under a second on loopback; 20 s means something is wrong. */
const ROUTES_TIMEOUT_MS = 20_000;

export interface NatsClusterServer {
  url: string;
  monitor: string;
  child: ChildProcess;
}

export interface StartedNatsCluster extends AsyncDisposable {
  servers: NatsClusterServer[];
  /** Every client URL, comma-separated, as a user would pass to --nats. */
  urls: string;
  kill(i: number): Promise<void>;
  /** Starts server i again (same ports and routes) and waits until its routes are back. */
  restart(i: number): Promise<void>;
  close(): Promise<void>;
}

async function routesUp(monitor: string, want: number): Promise<boolean> {
  try {
    const r = await fetch(`${monitor}/routez`);
    const j = (await r.json()) as { num_routes?: number };
    return (j.num_routes ?? 0) >= want;
  } catch {
    return false;
  }
}

export async function startNatsCluster(size = 3): Promise<StartedNatsCluster> {
  const bin = findNatsServer();
  if (!bin) throw new Error('nats-server is not installed (apt-get install nats-server)');
  const dir = await mkdtemp(join(tmpdir(), 'syncgrad-nats-cluster-'));
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), cluster: await freePort(), http: await freePort() })));
  const servers: NatsClusterServer[] = [];
  const exited = new Map<ChildProcess, Promise<unknown>>();
  const confs: string[] = [];
  const launch = (i: number): ChildProcess => {
    const child = spawn(bin, ['-c', confs[i]!], { stdio: 'ignore' });
    exited.set(child, new Promise((r) => child.once('exit', r)));
    return child;
  };
  for (let i = 0; i < size; i++) {
    const p = ports[i]!;
    const routes = ports.filter((_, j) => j !== i).map((q) => `nats-route://127.0.0.1:${q.cluster}`);
    const conf = join(dir, `s${i}.conf`);
    await writeFile(
      conf,
      [
        `server_name: s${i}`,
        `listen: 127.0.0.1:${p.client}`,
        `http: 127.0.0.1:${p.http}`,
        'cluster {',
        '  name: syncgrad-test',
        `  listen: 127.0.0.1:${p.cluster}`,
        `  routes: [${routes.join(', ')}]`,
        '}',
        '',
      ].join('\n'),
    );
    confs.push(conf);
    servers.push({ url: `nats://127.0.0.1:${p.client}`, monitor: `http://127.0.0.1:${p.http}`, child: launch(i) });
  }
  const close = async () => {
    await Promise.all(
      servers.map(async (s) => {
        if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
        await exited.get(s.child);
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  const meshed = async () => {
    const deadline = Date.now() + ROUTES_TIMEOUT_MS;
    for (;;) {
      const up = await Promise.all(servers.map((s) => routesUp(s.monitor, size - 1)));
      if (up.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`the ${size} NATS servers did not form routes within ${ROUTES_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await meshed();
  } catch (e) {
    await close();
    throw e;
  }
  return {
    servers,
    urls: servers.map((s) => s.url).join(','),
    async kill(i: number) {
      const s = servers[i]!;
      s.child.kill('SIGKILL');
      await exited.get(s.child);
    },
    async restart(i: number) {
      servers[i]!.child = launch(i);
      await meshed();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
