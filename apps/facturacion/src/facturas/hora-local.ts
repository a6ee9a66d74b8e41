/** Where an instant falls in a zone's local calendar, as a tariff looks at it. */
export interface HoraLocal {
  /** YYYY-MM-DD, local. */
  fecha: string;
  /** 0 (January) to 11. */
  mes: number;
  /** 0 to 23. */
  hora: number;
  /** Saturday or Sunday. */
  finDeSemana: boolean;
}

const formatos = new Map<string, Intl.DateTimeFormat>();

function formato(zona: string): Intl.DateTimeFormat {
  let f = formatos.get(zona);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zona,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatos.set(zona, f);
  }
  return f;
}

/** The local date, month, hour and weekday of `t` (epoch ms) in an IANA zone. */
export function horaLocal(t: number, zona: string): HoraLocal {
  const partes: Record<string, string> = {};
  for (const p of formato(zona).formatToParts(t)) partes[p.type] = p.value;
  return {
    fecha: `${partes.year}-${partes.month}-${partes.day}`,
    mes: Number(partes.month) - 1,
    hora: Number(partes.hour),
    finDeSemana: partes.weekday === 'Sat' || partes.weekday === 'Sun',
  };
}
