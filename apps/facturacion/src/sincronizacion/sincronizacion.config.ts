import { EnvReader } from '@iot/common';
import { IDENTIFIER_PATTERN } from '@iot/contracts';
import { readCron } from '../programacion';

export interface SincronizacionConfig {
  /** Cron (five fields, or six with seconds first); undefined = no schedule (staff can still trigger runs). */
  cron?: string;
  /** The billing variables, each with a table of its own. */
  variables: string[];
  /** Sent as `x-api-key` to dispositivo. */
  dispositivoApiKey: string;
  /** Variables pulled at once, each on its own stream and connection. */
  parallel: number;
  /** Readings written per transaction (at least this many, up to the next checkpoint). */
  batchRows: number;
  /** Readings asked for per export request. */
  requestRows: number;
  /** Connect, first byte and silence between bytes longer than this fail the attempt. */
  timeoutMs: number;
  /** Attempts after the first one, per variable and run. */
  retries: number;
  /** First retry delay; doubles on each further retry. */
  retryDelayMs: number;
}

const DEFAULT_CRON = '*/6 * * * * *';

function checkVariable(name: string): string | undefined {
  return IDENTIFIER_PATTERN.test(name.toLowerCase())
    ? undefined
    : `"${name.slice(0, 80)}" is not a variable name (${IDENTIFIER_PATTERN.source})`;
}

export function readSincronizacionConfig(env: EnvReader): SincronizacionConfig {
  const cron = readCron(env, 'SYNC_CRON', DEFAULT_CRON);
  // lower-cased as dispositivo stores them
  const variables = env.list('BILLING_VARIABLES', checkVariable).map((v) => v.toLowerCase());
  const dispositivoApiKey = env.optionalString('DISPOSITIVO_API_KEY');
  env.require(
    dispositivoApiKey !== undefined,
    'DISPOSITIVO_API_KEY is required: the API key facturacion sends to dispositivo',
  );
  return {
    cron,
    variables: variables.length > 0 ? [...new Set(variables)] : ['voltaje', 'corriente'],
    dispositivoApiKey: dispositivoApiKey ?? '',
    parallel: env.int('SYNC_PARALLEL', 2, { min: 1, max: 8 }),
    batchRows: env.int('SYNC_BATCH_ROWS', 5000, { min: 1, max: 50_000 }),
    requestRows: env.int('SYNC_REQUEST_ROWS', 100_000, { min: 1, max: 100_000 }),
    timeoutMs: env.int('SYNC_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
    retries: env.int('SYNC_RETRIES', 3, { min: 0, max: 20 }),
    retryDelayMs: env.int('SYNC_RETRY_DELAY_MS', 1000, { min: 10, max: 60_000 }),
  };
}
