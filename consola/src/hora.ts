import { signal } from '@preact/signals';
import { idioma } from './i18n';

/** The zone dates are shown in: the browser's own, unless switched (remembered here). */
export const zona = signal<string>(
  localStorage.getItem('iot.zona') ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
);

export function cambiarZona(z: string): void {
  zona.value = z;
  localStorage.setItem('iot.zona', z);
}

export const ZONAS = [
  'UTC',
  'America/Bogota',
  'America/Mexico_City',
  'America/New_York',
  'Europe/Madrid',
];

/** An instant in the chosen zone with its offset (visible on DST days: +01:00 / +02:00). */
export function fecha(instante: string | number | Date, conHora = true): string {
  const d = new Date(instante);
  return new Intl.DateTimeFormat(idioma.value === 'es' ? 'es-ES' : 'en-GB', {
    timeZone: zona.value,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(conHora && { hour: '2-digit', minute: '2-digit', timeZoneName: 'longOffset' }),
  }).format(d);
}

/** `datetime-local` input text for an instant in the chosen zone, and back. */
export function aLocal(ms: number): string {
  const partes = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zona.value,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${partes.year}-${partes.month}-${partes.day}T${partes.hour}:${partes.minute}`;
}

export function deLocal(texto: string): number {
  // the wall time read as UTC, corrected by the zone's offset at that instant (twice: DST edges)
  const comoUtc = Date.parse(`${texto}:00Z`);
  let ms = comoUtc;
  for (let i = 0; i < 2; i++) ms = comoUtc - (Date.parse(`${aLocal(ms)}:00Z`) - ms);
  return ms;
}
