// The run's HTTP port on node:http: /metrics for Prometheus and, given a status source, the live
// page (/ and /status.json, uPlot under /assets/). close() is idempotent and waits for the socket.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { ConfigError } from '../common/errors.js';
import { LIVE_PAGE, uplotAssets } from './live-page.js';

export class MetricsServer implements AsyncDisposable {
  private closed = false;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port` (0 picks a free one) on all interfaces, as Prometheus scrapes from elsewhere. */
  static async start(registry: Registry, port: number, host = '0.0.0.0', status?: () => unknown): Promise<MetricsServer> {
    const assets = status ? uplotAssets() : undefined;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics') {
        registry.metrics().then(
          (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
          (e: unknown) => res.writeHead(500).end(String(e)),
        );
        return;
      }
      if (status && assets) {
        if (path === '/') return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(LIVE_PAGE);
        if (path === '/status.json')
          return void res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(status()));
        if (path === '/assets/uPlot.iife.min.js') return void res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(assets.js);
        if (path === '/assets/uPlot.min.css') return void res.writeHead(200, { 'Content-Type': 'text/css' }).end(assets.css);
      }
      res.writeHead(404).end(status ? 'try /, /status.json or /metrics\n' : 'try /metrics\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new ConfigError(`--metrics-port ${port}: ${e.message}`, { cause: e })));
      server.listen(port, host, () => resolve());
    });
    return new MetricsServer(server, (server.address() as { port: number }).port);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
