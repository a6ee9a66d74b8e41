process.env.SERVICE_NAME ??= 'dispositivo';
import 'reflect-metadata';
import { createLogger } from '@iot/common';
import { createDispositivoApp } from './bootstrap';
import { loadDispositivoConfig } from './config';

async function main(): Promise<void> {
  const config = loadDispositivoConfig();
  const app = await createDispositivoApp(config);
  await app.listen(config.port, config.host);
  createLogger('main').info({ url: await app.getUrl() }, 'dispositivo listening');
}

main().catch((error: unknown) => {
  createLogger('main').fatal({ err: error }, 'dispositivo failed to start');
  process.exit(1);
});
