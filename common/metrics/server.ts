// A minimal /metrics endpoint on node:http. close() is idempotent and waits for the socket.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { ConfigError } from '../errors.js';

export class MetricsServer implements AsyncDisposable {
  private closed = false;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port` (0 picks a free one) on all interfaces, as Prometheus scrapes from elsewhere. */
  static async start(registry: Registry, port: number, host = '0.0.0.0'): Promise<MetricsServer> {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics' && req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404).end('try /metrics\n');
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new ConfigError(`--metrics-port ${port}: ${(e as Error).message}`, { cause: e })));
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
