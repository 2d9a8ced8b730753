// Cluster membership: ranks are small integers handed out lowest-free-first, so metrics labelled
// by rank stay bounded however often workers come and go.

export interface WorkerInfo {
  rank: number;
  id: string;
  host: string;
  pid: number;
  backend: string;
  /** The NATS server the worker connected through (its server_id), when it said. */
  natsServer?: string;
  joinedAt: number;
  /** Subscribed and holding the index: only ready workers are given work. */
  ready: boolean;
}

export class Registry {
  private readonly byRank = new Map<number, WorkerInfo>();
  private waiters: (() => void)[] = [];
  /** Changes on every join or leave. */
  generation = 0;

  join(info: Omit<WorkerInfo, 'rank' | 'joinedAt' | 'ready'>): WorkerInfo {
    // A worker that rejoins (after a coordinator-side eviction or a reconnect) keeps one rank.
    for (const w of this.byRank.values()) if (w.id === info.id) this.byRank.delete(w.rank);
    let rank = 0;
    while (this.byRank.has(rank)) rank++;
    const w: WorkerInfo = { ...info, rank, joinedAt: Date.now(), ready: false };
    this.byRank.set(rank, w);
    return w;
  }

  markReady(rank: number, id: string): WorkerInfo | undefined {
    const w = this.byRank.get(rank);
    if (!w || w.id !== id) return undefined;
    w.ready = true;
    this.changed();
    return w;
  }

  leave(rank: number): WorkerInfo | undefined {
    const w = this.byRank.get(rank);
    if (w) {
      this.byRank.delete(rank);
      this.changed();
    }
    return w;
  }

  has(rank: number, id?: string): boolean {
    const w = this.byRank.get(rank);
    return w !== undefined && (id === undefined || w.id === id);
  }

  live(): WorkerInfo[] {
    return [...this.byRank.values()].filter((w) => w.ready).sort((a, b) => a.rank - b.rank);
  }

  /** Ready workers. */
  get size(): number {
    return this.live().length;
  }

  /** Resolves when at least `n` workers are live, or rejects after `timeoutMs`. */
  async waitFor(n: number, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.size < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw onTimeout();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private changed(): void {
    this.generation++;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
