import { createHttpApp, resolveDatabaseUrl } from '@iot/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { FacturacionConfig } from './config';

export async function createFacturacionApp(
  config: FacturacionConfig,
): Promise<NestFastifyApplication> {
  const databaseUrl = await resolveDatabaseUrl(config.database);
  return createHttpApp(AppModule.forRoot(config, databaseUrl), {
    bodyLimit: 64 * 1024,
    apiKeys: config.apiKeys,
  });
}
