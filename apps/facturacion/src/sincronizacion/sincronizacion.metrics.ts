import { counter, gauge } from '@iot/common';
import { ResultadoVariable } from './sincronizaciones.repository';

const runs = counter({
  name: 'iot_sync_runs_total',
  help: 'Sync runs ended, by estado (completada, fallida, interrumpida)',
  labelNames: ['estado'] as const,
});

const rows = counter({
  name: 'iot_sync_rows_total',
  help: 'Readings billed, by variable',
  labelNames: ['variable'] as const,
});

/** The lag each variable had at the end of its last run. */
const last = new Map<string, ResultadoVariable>();

gauge(
  {
    name: 'iot_sync_pending',
    help: 'Readings not billed yet at the end of the last run',
    labelNames: ['variable'] as const,
  },
  (g) => last.forEach((r, variable) => g.set({ variable }, r.pendientes ?? 0)),
);
gauge(
  {
    name: 'iot_sync_lag_seconds',
    help: 'Age of the oldest reading not billed yet (last run)',
    labelNames: ['variable'] as const,
  },
  (g) => last.forEach((r, variable) => g.set({ variable }, r.retrasoSegundos ?? 0)),
);

export function recordRun(estado: string, resultado: Record<string, ResultadoVariable>): void {
  runs.inc({ estado });
  for (const [variable, r] of Object.entries(resultado)) {
    rows.inc({ variable }, r.filas);
    if (!r.error) last.set(variable, r);
  }
}
