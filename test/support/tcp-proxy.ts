import { createServer, Server, Socket, connect } from 'node:net';
import { freePort } from './ports';

/**
 * A TCP relay in front of a real server, to play a frozen database: `freeze()`
 * stops relaying bytes both ways (connections stay open, nothing answers, as
 * with a SIGSTOPped PostgreSQL); `thaw()` resumes. With no target it accepts
 * connections and never answers at all.
 */
export interface TcpProxy {
  port: number;
  /** `url` with host and port replaced by the proxy's. */
  via(url: string): string;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target?: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  let frozen = false;
  const pairs: Array<[Socket, Socket]> = [];
  const held: Socket[] = [];
  const server: Server = createServer((client) => {
    if (!target) {
      held.push(client); // accept, read, never answer
      client.on('error', () => undefined);
      client.resume();
      return;
    }
    const upstream = connect(target.port, target.host);
    pairs.push([client, upstream]);
    for (const s of [client, upstream]) s.on('error', () => undefined);
    const relay = (from: Socket, to: Socket): void => {
      from.on('data', (chunk: Buffer) => {
        if (frozen) {
          from.pause();
          const resume = setInterval(() => {
            if (frozen) return;
            clearInterval(resume);
            to.write(chunk);
            from.resume();
          }, 20);
          return;
        }
        to.write(chunk);
      });
      from.on('close', () => to.destroy());
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    via: (url) => {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    freeze: () => (frozen = true),
    thaw: () => (frozen = false),
    close: async () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      for (const s of held) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
