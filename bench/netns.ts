// Emulated hosts on one machine, for measuring the exchange where links, not loopback, bound it:
// one Linux network namespace per host, each with one link (a veth pair) to a bridge in a switch
// namespace, shaped with tc's token bucket in both directions. This process reaches every host
// through one more, unshaped, link from the root namespace (the lab's management port). Needs root
// and iproute2. Everything is named sg<pid>-…, removed by close(), on SIGINT/SIGTERM, and by the
// next run if this process died without cleaning up.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BackendError } from '../common/errors.js';

export interface NetworkOptions {
  /** Host names, e.g. h0 h1 nats: each gets a namespace, an address and a shaped link. */
  hosts: string[];
  /** Each link's rate in bits per second, both directions. */
  rateBitsPerSec: number;
}

/**
 * tbf as the measurements used it: burst = rate × 2 ms, at least 128 KiB (a raw TCP stream
 * then reached 915–957 Mbit/s at 1 Gbit/s), a 10 ms queue.
 */
export const TBF_MIN_BURST_BYTES = 128 * 1024;
export const TBF_BURST_SECONDS = 0.002;
export const TBF_LATENCY = '10ms';

const PREFIX = /^sg(\d+)-/;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new BackendError(`${cmd} ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  return r.stdout;
}

function tryRun(cmd: string, args: string[]): void {
  spawnSync(cmd, args, { stdio: 'ignore' });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Namespaces and root links left by runs whose process is gone. */
export function removeStale(): void {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = PREFIX.exec(name);
    if (m && !alive(Number(m[1]))) tryRun('ip', ['netns', 'del', name]);
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of links.split('\n')) {
    const m = /^\d+: (sg(\d+)r)[@:]/.exec(line);
    if (m && !alive(Number(m[2]))) tryRun('ip', ['link', 'del', m[1]!]);
  }
}

/** The rate as tc writes it, from bits per second. */
export function tcRate(bps: number): string {
  return `${Math.round(bps)}bit`;
}

/** `1gbit`, `2.5gbit`, `500mbit`, `1e9` → bits per second. */
export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*(g|m|k)?(?:bit|bps|b)?(?:\/s)?$/i.exec(text.trim());
  if (!m) throw new BackendError(`a link rate looks like 1gbit, 2.5gbit or 500mbit, got ${JSON.stringify(text)}`);
  const unit = { g: 1e9, m: 1e6, k: 1e3 }[(m[2] ?? '').toLowerCase() as 'g' | 'm' | 'k'] ?? 1;
  return Number(m[1]) * unit;
}

export class EmulatedNetwork implements AsyncDisposable {
  readonly prefix = `sg${process.pid}`;
  /** 10.231.<subnet>.0/24, different for concurrent runs. */
  readonly subnet = 20 + (process.pid % 200);
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private closed = false;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.closeSync();
    process.kill(process.pid, sig);
  };

  private constructor(readonly o: NetworkOptions) {}

  /** Builds the network; a failure (not root, ip or tc refusing) comes out as the promise's rejection. */
  static create(o: NetworkOptions): Promise<EmulatedNetwork> {
    return new Promise((resolve) => {
      if (process.getuid?.() !== 0) throw new BackendError('emulated hosts need root (ip netns, tc)');
      removeStale();
      const net = new EmulatedNetwork(o);
      process.once('SIGINT', net.onSignal);
      process.once('SIGTERM', net.onSignal);
      try {
        net.build();
      } catch (e) {
        net.closeSync();
        throw e;
      }
      resolve(net);
    });
  }

  ns(host: string): string {
    return `${this.prefix}-${host}`;
  }

  ip(host: string): string {
    const i = this.o.hosts.indexOf(host);
    if (i < 0) throw new Error(`no host ${host}`);
    return `10.231.${this.subnet}.${i + 1}`;
  }

  private build(): void {
    const sw = this.ns('sw');
    const ipn = (ns: string, ...args: string[]) => run('ip', ['-n', ns, ...args]);
    run('ip', ['netns', 'add', sw]);
    this.namespaces.push(sw);
    ipn(sw, 'link', 'set', 'lo', 'up');
    ipn(sw, 'link', 'add', 'br0', 'type', 'bridge');
    ipn(sw, 'link', 'set', 'br0', 'up');
    const burst = Math.max(TBF_MIN_BURST_BYTES, Math.round((this.o.rateBitsPerSec / 8) * TBF_BURST_SECONDS));
    const shape = (ns: string, dev: string) =>
      run('tc', ['-n', ns, 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', tcRate(this.o.rateBitsPerSec), 'burst', String(burst), 'latency', TBF_LATENCY]);
    this.o.hosts.forEach((host, i) => {
      const ns = this.ns(host);
      run('ip', ['netns', 'add', ns]);
      this.namespaces.push(ns);
      const a = `${this.prefix}a${i}`;
      const b = `${this.prefix}b${i}`;
      run('ip', ['link', 'add', a, 'netns', ns, 'type', 'veth', 'peer', 'name', b, 'netns', sw]);
      ipn(ns, 'link', 'set', a, 'name', 'eth0');
      ipn(ns, 'addr', 'add', `${this.ip(host)}/24`, 'dev', 'eth0');
      ipn(ns, 'link', 'set', 'lo', 'up');
      ipn(ns, 'link', 'set', 'eth0', 'up');
      ipn(sw, 'link', 'set', b, 'master', 'br0');
      ipn(sw, 'link', 'set', b, 'up');
      shape(ns, 'eth0');
      shape(sw, b);
    });
    // The management port: this process's own way in, unshaped.
    const r = `${this.prefix}r`;
    run('ip', ['link', 'add', r, 'type', 'veth', 'peer', 'name', 'mgmt', 'netns', sw]);
    run('ip', ['addr', 'add', `10.231.${this.subnet}.254/24`, 'dev', r]);
    run('ip', ['link', 'set', r, 'up']);
    ipn(sw, 'link', 'set', 'mgmt', 'master', 'br0');
    ipn(sw, 'link', 'set', 'mgmt', 'up');
  }

  /** Runs `cmd` inside `host`'s namespace; the process is ended by close(). */
  spawn(host: string, cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns(host), cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Bytes the host's link has sent and received so far (its eth0 counters). */
  linkBytes(host: string): { tx: number; rx: number } {
    const j = JSON.parse(run('ip', ['-n', this.ns(host), '-s', '-j', 'link', 'show', 'dev', 'eth0'])) as {
      stats64: { tx: { bytes: number }; rx: { bytes: number } };
    }[];
    return { tx: j[0]!.stats64.tx.bytes, rx: j[0]!.stats64.rx.bytes };
  }

  /** Kills what runs in the namespaces and deletes them. Idempotent. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    for (const c of this.children) c.kill('SIGKILL');
    for (const ns of this.namespaces) {
      // Anything started there by other means too.
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
      for (const p of pids.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(p), 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    for (const ns of [...this.namespaces].reverse()) tryRun('ip', ['netns', 'del', ns]);
    tryRun('ip', ['link', 'del', `${this.prefix}r`]);
  }

  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // utime and stime, fields 14 and 15, after the parenthesised command name; in clock ticks (100 a second on Linux).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
