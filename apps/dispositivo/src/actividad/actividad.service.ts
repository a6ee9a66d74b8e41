import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { metrics } from '@iot/common';
import type { Counter } from 'prom-client';

type Transporte = 'http' | 'mqtt';
type Totales = Record<Transporte, Record<string, number>>;

/** One sample every 10 s, an hour of them. */
const CADA_MS = 10_000;
const MUESTRAS = 360;

export interface Actividad {
  en: string;
  /** Readings received since start, by transport and what became of them. */
  lecturas: Totales;
  /** Readings refused since start, by transport and reason. */
  rechazadas: Totales;
  /** Readings received per second, by transport, each over the 10 s before `t` (epoch ms). */
  porSegundo: { t: number[]; http: number[]; mqtt: number[] };
}

async function totales(nombre: string, etiqueta: string): Promise<Totales> {
  const out: Totales = { http: {}, mqtt: {} };
  const metric = metrics.getSingleMetric(nombre) as Counter | undefined;
  for (const v of (await metric?.get())?.values ?? []) {
    const t = v.labels.transport as Transporte | undefined;
    const k = v.labels[etiqueta];
    if ((t === 'http' || t === 'mqtt') && typeof k === 'string') out[t][k] = v.value;
  }
  return out;
}

const suma = (t: Totales, transporte: Transporte): number =>
  Object.values(t[transporte]).reduce((a, b) => a + b, 0);

/**
 * What ingestion did, for the console: this process's counters (the same the
 * /metrics port serves) and an hour of readings per second, sampled from
 * them every 10 seconds in memory (gone with the process, like the counters).
 */
@Injectable()
export class ActividadService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly muestras: { t: number; http: number; mqtt: number }[] = [];
  private timer?: NodeJS.Timeout;

  onApplicationBootstrap(): void {
    const muestrear = (): void => {
      void this.muestrear();
    };
    muestrear();
    this.timer = setInterval(muestrear, CADA_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async actividad(): Promise<Actividad> {
    const lecturas = await totales('iot_lecturas_total', 'result');
    const porSegundo: Actividad['porSegundo'] = { t: [], http: [], mqtt: [] };
    this.muestras.forEach((m, i) => {
      const antes = this.muestras[i - 1];
      if (!antes) return;
      const s = (m.t - antes.t) / 1000;
      porSegundo.t.push(m.t);
      porSegundo.http.push(Math.max(0, m.http - antes.http) / s);
      porSegundo.mqtt.push(Math.max(0, m.mqtt - antes.mqtt) / s);
    });
    return {
      en: new Date().toISOString(),
      lecturas,
      rechazadas: await totales('iot_lecturas_rechazadas_total', 'reason'),
      porSegundo,
    };
  }

  private async muestrear(): Promise<void> {
    const t = await totales('iot_lecturas_total', 'result');
    this.muestras.push({ t: Date.now(), http: suma(t, 'http'), mqtt: suma(t, 'mqtt') });
    if (this.muestras.length > MUESTRAS + 1) this.muestras.shift();
  }
}
