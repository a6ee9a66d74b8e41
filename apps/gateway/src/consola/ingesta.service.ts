import { Injectable } from '@nestjs/common';
import { CALLER_HEADER } from '@iot/http';
import { SERVICES } from '../routing/proxy';
import { Upstreams } from '../routing/upstreams';

const TIEMPO_MS = 3000;

export interface Instancia {
  servicio: string;
  id: string;
  url: string;
  /** In the gateway's rotation now (not ejected after failures). */
  enRotacion: boolean;
  /** Its /health answer (status and details), or null when it did not answer. */
  salud: unknown;
  /** dispositivo only: its ingestion counters (GET /api/dispositivo/actividad). */
  actividad?: unknown;
  error?: string;
}

export interface Ingesta {
  en: string;
  instancias: Instancia[];
}

/** The console's ingestion page: each registered instance asked now, in parallel. */
@Injectable()
export class IngestaService {
  constructor(private readonly upstreams: Upstreams) {}

  async reunir(callerToken: string): Promise<Ingesta> {
    const todas = (
      await Promise.all(
        SERVICES.map(async (s) => (await this.upstreams.all(s)).map((i) => ({ ...i, s }))),
      )
    ).flat();
    const instancias = await Promise.all(
      todas.map(async (i): Promise<Instancia> => {
        const out: Instancia = {
          servicio: i.s,
          id: i.id,
          url: i.url,
          enRotacion: i.enRotacion,
          salud: null,
        };
        try {
          // a 503 from /health still says why: its body is the answer
          out.salud = await pedir(`${i.url}/health`, {});
          if (i.s === 'dispositivo') {
            out.actividad = await pedir(`${i.url}/api/dispositivo/actividad`, {
              [CALLER_HEADER]: callerToken,
            });
          }
        } catch (error) {
          out.error = (error as Error).message;
        }
        return out;
      }),
    );
    return { en: new Date().toISOString(), instancias };
  }
}

async function pedir(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIEMPO_MS) });
  const body: unknown = await res.json();
  if (!res.ok && res.status !== 503) throw new Error(`${url}: ${res.status}`);
  return body;
}
