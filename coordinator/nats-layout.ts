// What the NATS layout costs the exchange. With one server for every worker, that server's link
// carries every byte twice: about N·M in and 2(N−1)·M out per step for N workers and M bytes of
// gradient, against 2(N−1)/N·M each way on every host's link with a server on each machine joined
// by routes (measured: docs/performance.md, the network bench). The coordinator sees the layout in
// the server id each worker joins with.

export interface JoinedWorker {
  /** The NATS server_id the worker is connected to (JoinRequest.nats_server); absent from older workers. */
  natsServer?: string;
}

/** Workers from which one shared server starts to cost more than a server per host: at 2 the two layouts move the same bytes per link. */
export const SHARED_SERVER_WARN_FROM = 3;

/**
 * The line to log when every one of N ≥ 3 workers is on one NATS server, else undefined.
 * `wireBytes` is one replica's gradient on the wire (parameters × the codec's bytes per element).
 */
export function sharedServerWarning(workers: readonly JoinedWorker[], wireBytes: number): string | undefined {
  const n = workers.length;
  if (n < SHARED_SERVER_WARN_FROM) return undefined;
  const servers = new Set(workers.map((w) => w.natsServer));
  if (servers.size !== 1) return undefined;
  const [id] = servers;
  if (!id) return undefined;
  const mb = (b: number) => `${Math.round(b / 1e6)} MB`;
  return (
    `coordinator: all ${n} workers are connected to one NATS server (${id.slice(0, 12)}): its link carries about ` +
    `2(N−1)·M = ${mb(2 * (n - 1) * wireBytes)} out and N·M = ${mb(n * wireBytes)} in per step, where a server on every ` +
    `worker machine, joined by routes, carries ${mb((2 * (n - 1) * wireBytes) / n)} each way per link; see docs/deploy.md#a-nats-server-on-every-machine`
  );
}
