import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { freePort } from './ports';

/**
 * An in-test stand-in for exactly the Consul agent endpoints the registry
 * driver calls, with the shapes of Consul's documented HTTP API (no agent can
 * be installed on this machine; docker compose runs the real one):
 * - PUT /v1/agent/service/register (Name, ID, Address, Port, Tags, Check.HTTP/Interval/...)
 * - PUT /v1/agent/service/deregister/:id
 * - GET /v1/health/service/:name?passing&index&wait: a blocking query answering
 *   `[{Node, Service, Checks}]` with `X-Consul-Index`, returning early on a change.
 * Like the agent it runs each service's HTTP check itself (a 2xx passes).
 */
export interface ConsulStandIn {
  url: string;
  port: number;
  /** Requests seen, as `METHOD path`. */
  requests: string[];
  services(): Array<{ id: string; name: string; status: string; address: string; port: number }>;
  /** Stop answering (connections refused), as an agent that died. */
  stop(): Promise<void>;
  /** Lose every registration, as a dev-mode agent that restarted. */
  forget(): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  id: string;
  name: string;
  address: string;
  port: number;
  tags: string[];
  checkUrl?: string;
  status: 'passing' | 'critical';
  timer?: NodeJS.Timeout;
}

const seconds = (text: string | null, fallback: number): number => {
  const m = /^(\d+)(ms|s|m)$/.exec(text ?? '');
  if (!m) return fallback;
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
};

export async function startConsulStandIn(
  options: { checkIntervalMs?: number; host?: string; port?: number } = {},
) {
  const port = options.port ?? (await freePort());
  const host = options.host ?? '127.0.0.1';
  const entries = new Map<string, Entry>();
  const waiters = new Set<() => void>();
  const requests: string[] = [];
  let index = 1;
  const changed = (): void => {
    index++;
    for (const w of [...waiters]) w();
  };

  const check = async (e: Entry): Promise<void> => {
    if (!e.checkUrl) return;
    const ok = await fetch(e.checkUrl, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status >= 200 && r.status < 300,
      () => false,
    );
    const status = ok ? 'passing' : 'critical';
    if (entries.get(e.id) === e && e.status !== status) {
      e.status = status;
      changed();
    }
  };

  const body = (req: IncomingMessage): Promise<any> =>
    new Promise((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => resolve(text ? JSON.parse(text) : {}));
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    if (req.method === 'PUT' && url.pathname === '/v1/agent/service/register') {
      const b = await body(req);
      const previous = entries.get(b.ID ?? b.Name);
      if (previous?.timer) clearInterval(previous.timer);
      const e: Entry = {
        id: b.ID ?? b.Name,
        name: b.Name,
        address: b.Address ?? '127.0.0.1',
        port: b.Port,
        tags: b.Tags ?? [],
        checkUrl: b.Check?.HTTP,
        status: 'critical', // as the agent: critical until the first check passes
      };
      const every = options.checkIntervalMs ?? seconds(b.Check?.Interval ?? null, 10_000);
      e.timer = setInterval(() => void check(e), every);
      entries.set(e.id, e);
      changed();
      void check(e);
      res.end();
      return;
    }
    const dereg = /^\/v1\/agent\/service\/deregister\/(.+)$/.exec(url.pathname);
    if (req.method === 'PUT' && dereg) {
      const e = entries.get(decodeURIComponent(dereg[1]));
      if (e?.timer) clearInterval(e.timer);
      entries.delete(decodeURIComponent(dereg[1]));
      changed();
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/agent/services') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          Object.fromEntries(
            [...entries.values()].map((e) => [
              e.id,
              { ID: e.id, Service: e.name, Address: e.address, Port: e.port },
            ]),
          ),
        ),
      );
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/status/leader') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(`${host}:${port}`));
      return;
    }
    const health = /^\/v1\/health\/service\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && health) {
      const name = decodeURIComponent(health[1]);
      const wanted = Number(url.searchParams.get('index') ?? '0');
      if (wanted >= index) {
        const wait = seconds(url.searchParams.get('wait'), 300_000);
        await new Promise<void>((resolve) => {
          const done = (): void => {
            waiters.delete(done);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(done, wait);
          waiters.add(done);
        });
      }
      const passing = url.searchParams.has('passing');
      const list = [...entries.values()].filter(
        (e) => e.name === name && (!passing || e.status === 'passing'),
      );
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-consul-index', String(index));
      res.end(
        JSON.stringify(
          list.map((e) => ({
            Node: { Node: 'standin', Address: '127.0.0.1' },
            Service: { ID: e.id, Service: e.name, Tags: e.tags, Address: e.address, Port: e.port },
            Checks: [{ CheckID: `service:${e.id}`, Status: e.status, ServiceID: e.id }],
          })),
        ),
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  };

  let server: Server | undefined;
  const start = (): Promise<void> =>
    new Promise((resolve) => {
      server = createServer((req, res) => void handle(req, res));
      server.listen(port, host, () => resolve());
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server) return resolve();
      for (const w of [...waiters]) w();
      server.closeAllConnections();
      server.close(() => resolve());
      server = undefined;
    });
  await start();
  const standIn: ConsulStandIn = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    services: () =>
      [...entries.values()].map((e) => ({
        id: e.id,
        name: e.name,
        status: e.status,
        address: e.address,
        port: e.port,
      })),
    stop,
    start,
    forget: () => {
      for (const e of entries.values()) clearInterval(e.timer);
      entries.clear();
      changed();
    },
    close: async () => {
      for (const e of entries.values()) if (e.timer) clearInterval(e.timer);
      await stop();
    },
  };
  return standIn;
}
