import { BATCH_MAX_BYTES } from '@iot/contracts';
import { prepareDatabase } from '@iot/database';
import { createHttpApp } from '@iot/http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { DispositivoConfig } from './config';

/** Builds the app (migrations run during init); used by main.ts and the e2e tests. */
export async function createDispositivoApp(
  config: DispositivoConfig,
): Promise<NestFastifyApplication> {
  await prepareDatabase(config.database.url, config.database.connectTimeoutMs);
  return createHttpApp(AppModule.forRoot(config), config, {
    routeContract: 'dispositivo',
    bodyLimit: BATCH_MAX_BYTES,
    api: {
      title: 'dispositivo',
      description:
        'Readings from devices (also over MQTT: topics dispositivos/{numeroSerie}/lecturas and iot/sensors4387t5), readback and dead letters.',
    },
  });
}
