import { collectProcessMetrics, metrics } from '@iot/common';
import { createServer, Server } from 'node:http';

/**
 * `GET /metrics` (Prometheus text format) on its own port, apart from the
 * API: no key needed, so keep the port inside the deployment's network.
 * Process metrics (CPU, memory, event-loop lag, GC) are collected from here on.
 */
export function serveMetrics(port: number, host: string): Promise<Server> {
  collectProcessMetrics();
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(text);
      },
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
