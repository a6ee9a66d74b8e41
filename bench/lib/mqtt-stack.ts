import { startMosquitto } from '../../scripts/mosquitto';
import type { BenchContext } from './context';
import { conRecibidaEn } from './almacen';
import { BenchDatabase, freshDatabase } from './database';
import { MQTT_BENCH_LOGIN } from './mqtt-bench-config';
import { Child, freePort, runNode, runNodeUntil, waitHttp } from './processes';

export interface MqttStack {
  /** The broker's URL, for publishers. */
  url: string;
  db: BenchDatabase;
  app: Child;
  dispose: () => Promise<void>;
}

/**
 * Mosquitto from the shipped config, a fresh database (or `en`, kept), and
 * dispositivo consuming, healthy. A fresh database gets the bench-only
 * `recibida_en` column commitLatency reads.
 */
export async function startMqttStack(ctx: BenchContext, en?: BenchDatabase): Promise<MqttStack> {
  const port = await freePort();
  const broker = await startMosquitto(port, MQTT_BENCH_LOGIN);
  const db = en ?? (await freshDatabase(ctx.serverUrl, false));
  const httpPort = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  const app = runNode('apps/dispositivo/src/main.js', {
    DISPOSITIVO_PORT: String(httpPort),
    DATABASE_URL: db.url,
    API_KEYS: ctx.apiKey,
    MQTT_URL: url,
    MQTT_USERNAME: MQTT_BENCH_LOGIN.user,
    MQTT_PASSWORD: MQTT_BENCH_LOGIN.password,
    MQTT_CLIENT_ID: `bench-${port}`,
  });
  const dispose = async (): Promise<void> => {
    await app.stop();
    if (!en) await db.drop();
    await broker.dispose();
  };
  try {
    await waitHttp(`http://127.0.0.1:${httpPort}/health`);
    if (!en) await conRecibidaEn(db); // for commitLatency
  } catch (error) {
    await dispose();
    throw error;
  }
  return { url, db, app, dispose };
}

/** The load generator (its own process): `count` QoS 1 readings, `per` to a message, serials from `prefix`. */
export function publisher(url: string, count: number, per: number, prefix: string) {
  return runNodeUntil(
    'bench/mqtt-publisher.js',
    [url, MQTT_BENCH_LOGIN.user, MQTT_BENCH_LOGIN.password, String(count), String(per), prefix],
    '"acked"',
  );
}

/** Publish (estampaTiempo) to commit (bench-only recibida_en), in ms, of the readings stamped from `since`. */
export async function commitLatency(
  db: BenchDatabase,
  since = new Date(0),
): Promise<{ p50: number; p99: number }> {
  const [lat] = await db.query<{ p50: number; p99: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
     FROM (SELECT extract(epoch FROM recibida_en - estampa_tiempo) * 1000 AS ms
           FROM lectura_codificada WHERE estampa_tiempo >= $1) t`,
    [since],
  );
  return lat;
}
