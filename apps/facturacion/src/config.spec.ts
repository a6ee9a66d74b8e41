import { ConfigError } from '@iot/common';
import { loadFacturacionConfig } from './config';

const base = {
  API_KEYS: 'k'.repeat(24),
  DATABASE_URL: 'postgres://u@127.0.0.1:5432/ms_facturacion',
  DISPOSITIVO_API_KEY: 'd'.repeat(24),
};

const problems = (env: Record<string, string>): string[] => {
  try {
    loadFacturacionConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('facturacion config', () => {
  it('defaults to the original: every 6 s, voltaje and corriente, dispositivo on 8081, UTC', () => {
    const c = loadFacturacionConfig(base);
    expect(c.sync).toMatchObject({
      cron: '*/6 * * * * *',
      variables: ['voltaje', 'corriente'],
    });
    expect(c.registry).toMatchObject({
      driver: 'static',
      urls: { dispositivo: ['http://127.0.0.1:8081'] },
    });
    expect(c.consultas.defaultZone).toBe('UTC');
    expect(c.port).toBe(8082);
  });

  it('takes an off-peak cron, off, and lower-cases variable names', () => {
    expect(loadFacturacionConfig({ ...base, SYNC_CRON: '0 30 2 * * *' }).sync.cron).toBe(
      '0 30 2 * * *',
    );
    expect(loadFacturacionConfig({ ...base, SYNC_CRON: 'off' }).sync.cron).toBeUndefined();
    const c = loadFacturacionConfig({ ...base, BILLING_VARIABLES: 'Voltaje, energia,voltaje' });
    expect(c.sync.variables).toEqual(['voltaje', 'energia']);
  });

  it.each([
    [{ SYNC_CRON: 'every minute' }, /SYNC_CRON="every minute" must be a cron expression/],
    [{ SYNC_CRON: '61 * * * * *' }, /SYNC_CRON="61 \* \* \* \* \*"/],
    [
      { BILLING_VARIABLES: 'voltaje,x"; DROP TABLE variable_facturada; --' },
      /BILLING_VARIABLES: an entry "x"; DROP TABLE variable_facturada; --" is not a variable name/,
    ],
    [{ BILLING_VARIABLES: 'a'.repeat(64) }, /is not a variable name/],
    [{ DISPOSITIVO_API_KEY: '' }, /DISPOSITIVO_API_KEY is required/],
    [{ DISPOSITIVO_URL: 'ftp://x' }, /DISPOSITIVO_URL: an entry is not an http\(s\) URL/],
    [{ REGISTRY: 'eureka' }, /REGISTRY="eureka" must be one of: static, consul/],
    [
      { DEFAULT_TIME_ZONE: 'Mars/Olympus' },
      /DEFAULT_TIME_ZONE="Mars\/Olympus" is not an IANA time zone/,
    ],
    [{ SYNC_BATCH_ROWS: '0' }, /SYNC_BATCH_ROWS="0" must be an integer between 1 and 50000/],
    [{ FACTURA_SERIE: 'f 1' }, /FACTURA_SERIE="f 1" must be 1 to 20 capital letters/],
    [{ GRACIA_DIAS: '61' }, /GRACIA_DIAS="61" must be an integer between 0 and 60/],
    [{ FACTURAS_CRON: 'daily' }, /FACTURAS_CRON="daily" must be a cron expression/],
  ])('refuses %p', (env, message) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });
});
