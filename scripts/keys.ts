/**
 * `npm run keys -- create --role dispositivo|facturacion|admin [--serie S]… [--nombre N]`
 * `npm run keys -- list`, `npm run keys -- revoke ID`,
 * `npm run keys -- mqtt-service` (dispositivo's own client on Mosquitto, from MQTT_USERNAME/MQTT_PASSWORD).
 * Works on the gateway's key store: GATEWAY_DATABASE_URL, else `ms_gateway` on
 * DATABASE_URL's server or on the embedded PostgreSQL of `npm start`. The secret of a new key is printed
 * once; only its digest is stored.
 */
import { configureLogging, DomainError, InvalidInputError } from '@iot/common';
import { parseArgs } from 'node:util';
import { MQTT_DEFAULT_TOPICS } from '../apps/dispositivo/src/mqtt/mqtt.config';
import { GATEWAY_DATABASE, openKeyStore } from '@iot/keys';
import { appDatabaseUrl, postgresServer } from './services';

const USAGE = `usage: npm run keys -- create --role dispositivo|facturacion|admin [--serie S]... [--nombre N]
       npm run keys -- list
       npm run keys -- revoke ID
       npm run keys -- mqtt-service`;

async function main(argv: string[]): Promise<number> {
  configureLogging({ service: 'keys', level: 'warn' });
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      serie: { type: 'string', multiple: true },
      nombre: { type: 'string' },
    },
  });
  const [command, id] = positionals;
  if (
    !['create', 'list', 'revoke', 'mqtt-service'].includes(command) ||
    (command === 'revoke' && !id)
  ) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const given = process.env.GATEWAY_DATABASE_URL;
  const server = given
    ? { url: given, stop: () => Promise.resolve() }
    : await postgresServer(process.env);
  const store = await openKeyStore(
    given ?? appDatabaseUrl(server.url, GATEWAY_DATABASE),
    process.env,
  );
  try {
    const out = (line: string): boolean => process.stdout.write(`${line}\n`);
    if (command === 'list') {
      for (const k of await store.keys.list()) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
        out(
          `${k.id}  ${k.role.padEnd(11)} ${state.padEnd(32)} ${k.series?.join(',') ?? '*'}  ${k.nombre ?? ''}`,
        );
      }
    } else if (command === 'create') {
      const { apiKey, key } = await store.keys.create({
        role: values.role,
        ...(values.serie && { series: values.serie }),
        ...(values.nombre !== undefined && { nombre: values.nombre }),
      });
      out(`id    ${apiKey.id}`);
      out(`role  ${apiKey.role}${apiKey.series ? `  series ${apiKey.series.join(',')}` : ''}`);
      out(`key   ${key}`);
      out('(shown once: only a digest is stored)');
    } else if (command === 'revoke') {
      const revoked = await store.keys.revoke(id);
      out(`revoked ${revoked.id} (${revoked.role}) at ${revoked.revokedAt}`);
    } else {
      const { MQTT_USERNAME: user, MQTT_PASSWORD: password } = process.env;
      if (!user || !password || !process.env.MQTT_DYNSEC_URL) {
        process.stderr.write(
          'mqtt-service needs MQTT_DYNSEC_URL, MQTT_USERNAME and MQTT_PASSWORD\n',
        );
        return 78;
      }
      const topics = (process.env.MQTT_TOPICS ?? MQTT_DEFAULT_TOPICS)
        .split(',')
        .map((t) => t.trim());
      const changed = await store.keys.setupBrokerService(user, password, topics);
      out(
        `broker client ${user} may subscribe to ${topics.join(', ')} and $SYS/#` +
          (changed ? '' : ' (unchanged: its connections were left alone)'),
      );
    }
    return 0;
  } finally {
    await store.close();
    await server.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof InvalidInputError) {
      const problems = error.errors.map((e) => `${e.field} ${e.reason}`).join('; ');
      process.stderr.write(`keys: ${problems}\n`);
      process.exit(65);
    }
    const message =
      error instanceof DomainError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`keys: ${message}\n`);
    process.exit(1);
  },
);
