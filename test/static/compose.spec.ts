import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { APP_NODE_FLAGS } from '../../scripts/node-flags';

/**
 * The compose file checked statically: it parses, every variable it reads is
 * documented, and every app service runs a real entry point with a health
 * check. CI also runs it for real (.ci/compose) with docker-compose.ci.yml,
 * which may only swap the third-party images it cannot pull.
 */
const root = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

interface Service {
  command?: string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  const text = read('docker-compose.yml');
  const compose = parse(text, { merge: true }) as { services: Record<string, Service> };

  it('reads only variables documented in .env.example', () => {
    const documented = new Set(
      [...read('.env.example').matchAll(/^#?\s*([A-Z_]+)=/gm)].map((m) => m[1]),
    );
    const used = [...text.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((v) => !documented.has(v))).toEqual([]);
  });

  it.each(['gateway', 'dispositivo', 'facturacion'])(
    'runs %s from its built entry point',
    (app) => {
      const service = compose.services[app];
      expect(service.command).toEqual(['node', ...APP_NODE_FLAGS, `dist/apps/${app}/src/main.js`]);
      expect(existsSync(join(root, 'apps', app, 'src', 'main.ts'))).toBe(true);
      expect(service.healthcheck?.test.join(' ')).toContain('/health');
      expect(service.environment?.GATEWAY_SECRET).toBeDefined();
      // the gateway's keys are stored; the services have their own service keys
      expect(service.environment?.API_KEYS === undefined).toBe(app === 'gateway');
    },
  );

  it('gives each app with data its own database and waits for PostgreSQL', () => {
    for (const [app, db] of [
      ['dispositivo', 'ms_dispositivo'],
      ['facturacion', 'ms_facturacion'],
      ['gateway', 'ms_gateway'],
    ]) {
      expect(compose.services[app].environment?.DATABASE_URL).toMatch(new RegExp(`/${db}$`));
      expect(compose.services[app].depends_on?.postgres.condition).toBe('service_healthy');
    }
  });

  it('runs Mosquitto from the shipped config, with a client id per dispositivo replica', () => {
    const mosquitto = compose.services.mosquitto as Service & { volumes: string[] };
    expect(mosquitto.volumes).toContain(
      './deploy/mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro',
    );
    expect(compose.services.dispositivo.environment?.MQTT_URL).toBe('mqtt://mosquitto:1883');
    // each replica its own client id (dispositivo-<hostname>): a fixed one would make the broker
    // drop one replica for the other over and over
    expect(compose.services.dispositivo.environment?.MQTT_CLIENT_ID).toBeUndefined();
    const conf = read('deploy/mosquitto/mosquitto.conf');
    expect(conf).toMatch(/^persistence true$/m);
    expect(conf).toMatch(/^max_queued_messages 0$/m);
    expect(conf).toMatch(/^allow_anonymous false$/m);
    // logins and ACLs from the dynamic-security plugin, its file on the data volume
    expect(conf).toMatch(/^plugin \/usr\/lib\/mosquitto_dynamic_security\.so$/m);
    expect(conf).toMatch(/^plugin_opt_config_file \/mosquitto\/data\/dynamic-security\.json$/m);
    expect(compose.services.gateway.environment?.MQTT_DYNSEC_URL).toMatch(/^mqtt:\/\/admin:/);
  });

  it.each(['dispositivo', 'facturacion'])('lets %s scale: no fixed name or host port', (app) => {
    const service = compose.services[app] as Service & { container_name?: string; ports?: unknown };
    expect(service.container_name).toBeUndefined();
    expect(service.ports).toBeUndefined();
  });

  it('shares the gateway rate limits through Redis', () => {
    expect(compose.services.gateway.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(compose.services.gateway.depends_on?.redis.condition).toBe('service_healthy');
  });

  it('keeps secrets out of the file', () => {
    expect(text).not.toMatch(/PASSWORD:\s+[^$\s]/);
    expect(compose.services.postgres.environment).toBeDefined();
  });
});

describe('docker-compose.ci.yml (CI only: stand-ins for images no registry serves here)', () => {
  const ci = parse(read('docker-compose.ci.yml')) as {
    services: Record<string, Record<string, unknown>>;
  };

  it('never touches the apps: CI runs the main file’s wiring as shipped', () => {
    for (const app of ['gateway', 'dispositivo', 'facturacion', 'mqtt-setup'])
      expect(ci.services[app]).toBeUndefined();
  });

  it('swaps only how a third-party service starts, never its settings, volumes or ports', () => {
    const allowed = ['image', 'entrypoint', 'command', 'healthcheck'];
    for (const [name, service] of Object.entries(ci.services)) {
      expect([name, Object.keys(service).filter((k) => !allowed.includes(k))]).toEqual([name, []]);
    }
    expect(Object.keys(ci.services).sort()).toEqual([
      'consul',
      'mosquitto',
      'postgres',
      'prometheus',
      'redis',
    ]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1];

  it('builds on a supported Node.js LTS and runs as a non-root user', () => {
    // every stage on the one base, the official Node image unless CI's stand-in is given
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(22|24)[.-]/m);
    for (const stage of stages) expect(stage).toMatch(/^\$\{NODE_IMAGE\}( |$)/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^USER root$/m);
  });

  it('ships production dependencies only, and the built code', () => {
    expect(dockerfile).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=build \/app\/node_modules/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist/);
    // no sources, tests or embedded servers in the image
    expect(runtime).not.toMatch(/COPY \. \./);
  });

  it('runs the app with the flags every app process runs with', () => {
    expect(runtime).toContain(`CMD ["node", ${APP_NODE_FLAGS.map((f) => `"${f}"`).join(', ')}, `);
  });

  it('matches the engines field', () => {
    const engines = (
      JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    expect(engines).toMatch(/>=\s*22/);
  });
});
