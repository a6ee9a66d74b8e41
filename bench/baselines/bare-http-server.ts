/**
 * Baseline for single POSTs: plain node:http that parses the same JSON and
 * answers 201 with an id, storing nothing. The ceiling for one process here.
 */
import { createServer } from 'node:http';

let id = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ idDispositivo: ++id, ...body }));
    } catch {
      res.writeHead(400).end();
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
