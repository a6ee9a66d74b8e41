import { prepareDatabase } from '@iot/database';
import { createHttpApp } from '@iot/http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { FacturacionConfig } from './config';

export async function createFacturacionApp(
  config: FacturacionConfig,
): Promise<NestFastifyApplication> {
  await prepareDatabase(config.database.url, config.database.connectTimeoutMs);
  return createHttpApp(AppModule.forRoot(config), config, {
    routeContract: 'facturacion',
    bodyLimit: 64 * 1024,
    api: {
      title: 'facturacion',
      description:
        'Billing variables pulled from dispositivo on a schedule: runs, one table per variable, pages, summaries and CSV.',
    },
  });
}
