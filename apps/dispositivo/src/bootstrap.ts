import { createHttpApp, resolveDatabaseUrl } from '@iot/common';
import { LOTE_MAX_BYTES } from '@iot/contracts';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { DispositivoConfig } from './config';

/** Builds the app (migrations run during init); used by main.ts and the e2e tests. */
export async function createDispositivoApp(
  config: DispositivoConfig,
): Promise<NestFastifyApplication> {
  const databaseUrl = await resolveDatabaseUrl(config.database);
  return createHttpApp(AppModule.forRoot(config, databaseUrl), {
    bodyLimit: LOTE_MAX_BYTES,
    apiKeys: config.apiKeys,
  });
}
