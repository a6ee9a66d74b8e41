import type { BenchContext } from './context';
import { Child, freePort, runNode, waitHttp } from './processes';

/**
 * facturacion as its own process on `databaseUrl`, ready to answer: every
 * scheduled job off (a scenario runs the one it measures through its route),
 * `env` on top.
 */
export async function startFacturacion(
  ctx: BenchContext,
  databaseUrl: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = runNode('apps/facturacion/src/main.js', {
    FACTURACION_PORT: String(port),
    DATABASE_URL: databaseUrl,
    API_KEYS: ctx.apiKey,
    DISPOSITIVO_URL: 'http://127.0.0.1:1',
    DISPOSITIVO_API_KEY: ctx.apiKey,
    SYNC_CRON: 'off',
    ENERGIA_CRON: 'off',
    FACTURAS_CRON: 'off',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHttp(`${url}/health`);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, url };
}
