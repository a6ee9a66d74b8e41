import { useDatos } from '../datos';
import { Grafica } from '../componentes/Grafica';
import { fecha } from '../hora';
import { t } from '../i18n';

type Totales = Record<'http' | 'mqtt', Record<string, number>>;
interface Actividad {
  lecturas: Totales;
  rechazadas: Totales;
  porSegundo: { t: number[]; http: number[]; mqtt: number[] };
}
interface Instancia {
  servicio: string;
  id: string;
  enRotacion: boolean;
  salud: { status?: string; components?: Record<string, unknown> } | null;
  actividad?: Actividad;
  error?: string;
}

const PASO = 10_000;

/** Every dispositivo instance's per-second series, summed in 10-second steps. */
function sumar(instancias: Instancia[]) {
  const porPaso = new Map<number, { http: number; mqtt: number }>();
  for (const i of instancias) {
    const p = i.actividad?.porSegundo;
    p?.t.forEach((ms, k) => {
      const paso = Math.round(ms / PASO) * PASO;
      const s = porPaso.get(paso) ?? { http: 0, mqtt: 0 };
      s.http += p.http[k];
      s.mqtt += p.mqtt[k];
      porPaso.set(paso, s);
    });
  }
  const t = [...porPaso.keys()].sort((a, b) => a - b);
  return { t, http: t.map((x) => porPaso.get(x)!.http), mqtt: t.map((x) => porPaso.get(x)!.mqtt) };
}

function totalesDe(instancias: Instancia[], campo: 'lecturas' | 'rechazadas') {
  const out = new Map<string, { http: number; mqtt: number }>();
  for (const i of instancias) {
    for (const tr of ['http', 'mqtt'] as const) {
      for (const [k, v] of Object.entries(i.actividad?.[campo][tr] ?? {})) {
        const fila = out.get(k) ?? { http: 0, mqtt: 0 };
        fila[tr] += v;
        out.set(k, fila);
      }
    }
  }
  return [...out.entries()];
}

/** One level of an instance's /health components, as `key: value` text. */
const detalles = (c?: Record<string, unknown>): string[] =>
  Object.entries(c ?? {}).flatMap(([k, v]) =>
    v && typeof v === 'object'
      ? Object.entries(v as Record<string, unknown>)
          .filter(([, x]) => x === null || typeof x !== 'object')
          .map(([kk, x]) => `${k}.${kk}: ${String(x)}`)
      : [`${k}: ${String(v)}`],
  );

/** Counts by HTTP and MQTT, one row each (a result or a refusal's reason). */
function PorTransporte({ titulo, filas }: { titulo: string; filas: ReturnType<typeof totalesDe> }) {
  return (
    <table>
      <caption>{titulo}</caption>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">HTTP</th>
          <th scope="col">MQTT</th>
        </tr>
      </thead>
      <tbody>
        {filas.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{v.http}</td>
            <td>{v.mqtt}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Ingesta() {
  const { datos, error } = useDatos<{ en: string; instancias: Instancia[] }>(
    '/api/gateway/ingesta',
    5000,
  );
  if (error && !datos) return <p role="alert">{error}</p>;
  if (!datos) return <p class="cargando">{t('cargando')}</p>;
  const dispositivo = datos.instancias.filter((i) => i.servicio === 'dispositivo');
  const serie = sumar(dispositivo);
  return (
    <section>
      <h2>{t('ingesta')}</h2>
      <p class="nota">{fecha(datos.en)}</p>
      <h3>{t('lecturasPorSegundo')}</h3>
      <Grafica
        etiqueta={t('lecturasPorSegundo')}
        t={serie.t}
        series={[
          { etiqueta: 'HTTP', color: '#1f5fa8', valores: serie.http },
          { etiqueta: 'MQTT', color: '#b4471f', valores: serie.mqtt },
        ]}
        alto={220}
      />
      <div class="columnas">
        <PorTransporte titulo={t('resultados')} filas={totalesDe(dispositivo, 'lecturas')} />
        <PorTransporte titulo={t('motivos')} filas={totalesDe(dispositivo, 'rechazadas')} />
      </div>
      <table class="instancias">
        <caption>{t('instancias')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('servicio')}</th>
            <th scope="col">{t('estado')}</th>
            <th scope="col">{t('detalles')}</th>
          </tr>
        </thead>
        <tbody>
          {datos.instancias.map((i) => (
            <tr key={i.id}>
              <th scope="row">
                {i.servicio}
                <br />
                <small>{i.id}</small>
              </th>
              <td class={i.salud?.status === 'ok' && i.enRotacion ? 'bien' : 'mal'}>
                {i.error ?? i.salud?.status ?? '?'}
                {!i.enRotacion && ' (fuera de rotación)'}
              </td>
              <td>
                <ul class="detalles">
                  {detalles(i.salud?.components).map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
