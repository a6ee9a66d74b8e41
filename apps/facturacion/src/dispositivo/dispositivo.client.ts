import { RoundRobin, ServiceRegistry } from '@iot/common';
import * as http from 'node:http';
import * as https from 'node:https';

/** A failed call to dispositivo; `retryable` when trying again later may succeed. */
export class DispositivoError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DispositivoError';
  }
}

export interface DispositivoClientOptions {
  apiKey: string;
  /** Connect and response headers must come within this. */
  timeoutMs: number;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** dispositivo as seen from facturacion: found through the registry, called with an API key. */
export class DispositivoClient {
  private readonly instances: RoundRobin;

  constructor(
    registry: ServiceRegistry,
    private readonly options: DispositivoClientOptions,
  ) {
    this.instances = new RoundRobin(registry, 'dispositivo');
  }

  /**
   * Opens `GET /api/dispositivo/exportacion` and resolves with the response
   * stream once dispositivo answered 200; the body is the caller's to read.
   */
  async openExport(
    variable: string,
    despuesDe: string | null,
    limite: number,
  ): Promise<http.IncomingMessage> {
    const instance = await this.instances.pick().catch((error: Error) => {
      throw new DispositivoError(error.message, true);
    });
    const url = new URL('/api/dispositivo/exportacion', instance.url);
    url.searchParams.set('variables', variable);
    url.searchParams.set('limite', String(limite));
    // dispositivo's retention keeps what we have not yet resumed past
    url.searchParams.set('consumidor', 'facturacion');
    if (despuesDe) url.searchParams.set('despuesDe', despuesDe);
    const protocol = url.protocol === 'https:' ? https : http;
    const where = `dispositivo at ${instance.url}`;
    return new Promise((resolve, reject) => {
      const request = protocol.get(
        url,
        {
          agent: agents[url.protocol as 'http:' | 'https:'],
          headers: { 'x-api-key': this.options.apiKey, accept: 'application/x-ndjson' },
        },
        (response) => {
          clearTimeout(timer);
          if (response.statusCode === 200) return resolve(response);
          void refusal(response, where).then(reject);
        },
      );
      const timer = setTimeout(
        () =>
          request.destroy(
            new DispositivoError(
              `${where} did not answer within ${this.options.timeoutMs} ms`,
              true,
            ),
          ),
        this.options.timeoutMs,
      );
      request.on('error', (error: Error) => {
        clearTimeout(timer);
        reject(
          error instanceof DispositivoError
            ? error
            : new DispositivoError(`${where} is unreachable: ${error.message}`, true),
        );
      });
    });
  }
}

/** Reads (a bounded part of) a non-200 answer into an error saying what to do. */
async function refusal(response: http.IncomingMessage, where: string): Promise<DispositivoError> {
  let body = '';
  for await (const chunk of response) {
    if (body.length < 2048) body += String(chunk);
  }
  const status = response.statusCode ?? 0;
  const detail = `${where} answered ${status}: ${body.slice(0, 300)}`;
  if (status === 401 || status === 403) {
    return new DispositivoError(`${detail} (check DISPOSITIVO_API_KEY)`, false);
  }
  // 429 and 5xx pass; any other 4xx is a request dispositivo will never accept
  return new DispositivoError(detail, status === 429 || status >= 500);
}
