import { useEffect, useState } from 'preact/hooks';
import { descargar, json } from '../api';
import { useDatos } from '../datos';
import { Grafica } from '../componentes/Grafica';
import { fecha } from '../hora';
import { t } from '../i18n';

interface Variable {
  nombre: string;
  filas: number;
  ultimaLectura: string | null;
  ultimaSincronizacion: string | null;
}
interface Run {
  id: number;
  estado: string;
  iniciadaEn: string;
  terminadaEn: string | null;
  error: string | null;
  variables: Record<string, { filas?: number; pendientes?: number; retrasoSegundos?: number }>;
}
interface Cuenta {
  id: string;
  nombre: string;
  zona: string;
  moneda: string;
  dispositivos?: { numeroSerie: string }[];
}
interface Factura {
  id: string;
  periodo: string;
  estado: string;
  total: string;
  moneda: string;
  desde: string;
  hasta: string;
  serie: string | null;
  numero: string | null;
  diario?: { fecha: string; energia: string; periodos?: Record<string, string> }[];
  lineas?: {
    tipo: string;
    concepto: string;
    periodo?: string;
    cantidad: string;
    unidad: string;
    importe: string;
  }[];
}
interface Uso {
  inicio: string;
  energia: string;
  calidad: { real: number; estimado: number; faltante: number };
}
interface CalidadDia {
  dia: string;
  cobertura: string;
  energiaEstimada: string;
  huecos: unknown[];
  reiniciosContador: unknown[];
}

const AÑO = 365 * 86_400_000;
const COLORES_TOU = ['#1f5fa8', '#c07a00', '#0a6b2b', '#7a3fa0'];
const periodosVistos: string[] = [];
/** One colour per time-of-use period name, the same on every chart and table. */
function colorTou(periodo: string): number {
  if (!periodosVistos.includes(periodo)) periodosVistos.push(periodo);
  return periodosVistos.indexOf(periodo) % COLORES_TOU.length;
}

/** Energy per month by time-of-use period, from the account's statements' energy lines. */
function EnergiaTou({ facturas }: { facturas: Factura[] }) {
  const [detalle, setDetalle] = useState<Factura[]>();
  useEffect(() => {
    const ultimas = facturas
      .filter((f) => f.estado !== 'anulada')
      .slice(0, 12)
      .reverse();
    let vivo = true;
    Promise.all(ultimas.map((f) => json<Factura>(`/api/facturacion/facturas/${f.id}`))).then(
      (d) => vivo && setDetalle(d),
      () => undefined,
    );
    return () => {
      vivo = false;
    };
  }, [facturas]);
  if (!detalle || detalle.length === 0) return null;
  const periodos = [
    ...new Set(
      detalle.flatMap((f) => f.lineas?.flatMap((l) => (l.periodo ? [l.periodo] : [])) ?? []),
    ),
  ];
  const energia = (f: Factura, p: string): number =>
    (f.lineas ?? [])
      .filter((l) => l.tipo === 'energia' && l.periodo === p)
      .reduce((n, l) => n + Number(l.cantidad), 0);
  return (
    <Grafica
      etiqueta={t('energiaMes')}
      t={detalle.map((f) => Date.parse(f.desde))}
      series={periodos.map((p) => ({
        etiqueta: `${p} (kWh)`,
        color: COLORES_TOU[colorTou(p)],
        valores: detalle.map((f) => energia(f, p)),
        barras: true,
      }))}
      alto={220}
    />
  );
}

/** Energy of a device per day or month, bars split by quality: real, estimated, missing marked. */
function Energia({
  serie,
  zona,
  intervalo,
  fin,
}: {
  serie: string;
  zona: string;
  intervalo: 'dia' | 'mes';
  fin: number;
}) {
  const hasta = new Date(Math.ceil(fin / 86_400_000) * 86_400_000);
  const desde = new Date(hasta.getTime() - (intervalo === 'dia' ? 92 * 86_400_000 : AÑO));
  const { datos } = useDatos<{ energia: Uso[] }>(
    `/api/facturacion/energia?numeroSerie=${encodeURIComponent(serie)}&intervalo=${intervalo}` +
      `&desde=${desde.toISOString()}&hasta=${hasta.toISOString()}&zona=${encodeURIComponent(zona)}`,
  );
  if (!datos) return null;
  const e = datos.energia;
  const parte = (u: Uso, k: 'real' | 'estimado'): number => {
    const n = u.calidad.real + u.calidad.estimado + u.calidad.faltante;
    return n === 0 ? 0 : (Number(u.energia) * u.calidad[k]) / n;
  };
  return (
    <Grafica
      etiqueta={t(intervalo === 'dia' ? 'energiaDia' : 'energiaMes')}
      t={e.map((u) => Date.parse(u.inicio))}
      series={[
        {
          etiqueta: `kWh ${t('real')}`,
          color: '#1f5fa8',
          valores: e.map((u) => parte(u, 'real')),
          barras: true,
        },
        {
          etiqueta: `kWh ${t('estimado')}`,
          color: '#c07a00',
          valores: e.map((u) => parte(u, 'estimado')),
          barras: true,
        },
        {
          etiqueta: `${t('faltante')} (%)`,
          color: '#a01010',
          valores: e.map((u) => {
            const n = u.calidad.real + u.calidad.estimado + u.calidad.faltante;
            return n === 0 ? null : (100 * u.calidad.faltante) / n;
          }),
        },
      ]}
      alto={220}
    />
  );
}

/** A calendar of a device's last 92 days: each day's coverage as its cell's shade. */
function Calendario({ serie, zona, fin }: { serie: string; zona: string; fin: number }) {
  const hasta = new Date(Math.ceil(fin / 86_400_000) * 86_400_000);
  const desde = new Date(hasta.getTime() - 91 * 86_400_000);
  const { datos } = useDatos<{ dias: CalidadDia[] }>(
    `/api/facturacion/calidad?numeroSerie=${encodeURIComponent(serie)}` +
      `&desde=${desde.toISOString()}&hasta=${hasta.toISOString()}&zona=${encodeURIComponent(zona)}`,
  );
  if (!datos) return null;
  return (
    <ol class="calendario" aria-label={t('calidad')}>
      {datos.dias.map((d) => {
        const c = Number(d.cobertura);
        const titulo = `${d.dia}: ${t('cobertura')} ${(100 * c).toFixed(1)} %, ${t('estimado')} ${(100 * Number(d.energiaEstimada)).toFixed(1)} %, ${d.huecos.length} huecos, ${d.reiniciosContador.length} reinicios`;
        return (
          <li
            key={d.dia}
            title={titulo}
            class={c >= 0.99 ? 'c3' : c >= 0.75 ? 'c2' : c > 0 ? 'c1' : 'c0'}
          >
            <span class="sr">{titulo}</span>
            {d.dia.slice(8)}
          </li>
        );
      })}
    </ol>
  );
}

/** The statement's energy per local day, bars by time-of-use period (the totals if it predates them). */
function DiarioTou({ diario }: { diario: NonNullable<Factura['diario']> }) {
  if (diario.length === 0) return null;
  const periodos = [...new Set(diario.flatMap((d) => Object.keys(d.periodos ?? {})))];
  const series =
    periodos.length > 0
      ? periodos.map((p) => ({
          etiqueta: `${p} (kWh)`,
          color: COLORES_TOU[colorTou(p)],
          valores: diario.map((d) => Number(d.periodos?.[p] ?? 0)),
          barras: true,
        }))
      : [
          {
            etiqueta: 'kWh',
            color: COLORES_TOU[0],
            valores: diario.map((d) => Number(d.energia)),
            barras: true,
          },
        ];
  return (
    <>
      <h5>{t('energiaDiaTou')}</h5>
      <Grafica
        etiqueta={t('energiaDiaTou')}
        // local dates: drawn at their noon UTC, a day's bar whatever the zone
        t={diario.map((d) => Date.parse(`${d.fecha}T12:00:00Z`))}
        series={series}
        alto={200}
      />
    </>
  );
}

function Estado({ factura }: { factura: Factura }) {
  const f = useDatos<Factura>(`/api/facturacion/facturas/${factura.id}`).datos;
  if (!f) return <p class="cargando">{t('cargando')}</p>;
  return (
    <article class="factura" aria-label={`${t('periodo')} ${f.periodo}`}>
      <h4>
        {f.periodo} · {f.estado} {f.serie && `${f.serie}-${f.numero}`}
      </h4>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('concepto')}</th>
            <th scope="col">{t('cantidad')}</th>
            <th scope="col">{t('importe')}</th>
          </tr>
        </thead>
        <tbody>
          {f.lineas?.map((l, k) => (
            <tr key={k} class={l.periodo ? `tou tou-${colorTou(l.periodo)}` : undefined}>
              <td>{l.concepto}</td>
              <td>
                {l.cantidad} {l.unidad}
              </td>
              <td class="num">{l.importe}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t('total')} ({f.moneda})
            </th>
            <td class="num" data-total={f.total}>
              {f.total}
            </td>
          </tr>
        </tfoot>
      </table>
      <DiarioTou diario={f.diario ?? []} />
      <div class="barra">
        {(['csv', 'pdf'] as const).map((formato) => (
          <button
            type="button"
            key={formato}
            onClick={() =>
              void descargar(
                `/api/facturacion/facturas/${f.id}?formato=${formato}`,
                `factura-${f.id}.${formato}`,
              )
            }
          >
            {t(formato === 'csv' ? 'descargarCsv' : 'descargarPdf')}
          </button>
        ))}
      </div>
    </article>
  );
}

/** Billing staff: variables and sync runs, accounts with their statements, energy and quality. */
export function Facturacion() {
  const variables = useDatos<{ variables: Variable[] }>('/api/facturacion/variables').datos;
  const runs = useDatos<{ sincronizaciones: Run[] }>(
    '/api/facturacion/sincronizaciones?limite=5',
  ).datos;
  const cuentas = useDatos<{ cuentas: Cuenta[] }>('/api/facturacion/cuentas?limite=50').datos;
  const [cuentaId, setCuentaId] = useState<string>();
  const cuenta = useDatos<Cuenta>(
    cuentaId ? `/api/facturacion/cuentas/${cuentaId}` : undefined,
  ).datos;
  const facturas = useDatos<{ facturas: Factura[] }>(
    cuentaId ? `/api/facturacion/cuentas/${cuentaId}/facturas` : undefined,
  ).datos;
  const [facturaId, setFacturaId] = useState<string>();
  const factura = facturas?.facturas.find((f) => f.id === facturaId);
  const serie = cuenta?.dispositivos?.[0]?.numeroSerie;
  // the charts end where the chosen statement does (its period is what staff look at), else now
  const fin = factura ? Date.parse(factura.hasta) : Date.now();
  return (
    <section>
      <h2>{t('facturacion')}</h2>
      <div class="columnas">
        <table>
          <caption>{t('variables')}</caption>
          <tbody>
            {variables?.variables.map((v) => (
              <tr key={v.nombre}>
                <th scope="row">{v.nombre}</th>
                <td class="num">{v.filas}</td>
                <td>{v.ultimaLectura && fecha(v.ultimaLectura)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table>
          <caption>{t('sincronizaciones')}</caption>
          <tbody>
            {runs?.sincronizaciones.map((r) => (
              <tr key={r.id}>
                <th scope="row">#{r.id}</th>
                <td
                  class={r.estado === 'completada' ? 'bien' : r.estado === 'fallida' ? 'mal' : ''}
                >
                  {r.estado}
                  {r.error && `: ${r.error}`}
                </td>
                <td>{fecha(r.iniciadaEn)}</td>
                <td>
                  {Object.entries(r.variables)
                    .map(
                      ([v, x]) =>
                        `${v} ${x.filas ?? 0} (${x.pendientes ?? 0}, ${x.retrasoSegundos ?? 0} s)`,
                    )
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <label>
        {t('cuentas')}{' '}
        <select
          value={cuentaId ?? ''}
          onChange={(e) => setCuentaId(e.currentTarget.value || undefined)}
        >
          <option value="">—</option>
          {cuentas?.cuentas.map((c) => (
            <option value={c.id} key={c.id}>
              {c.nombre}
            </option>
          ))}
        </select>
      </label>
      {cuenta && (
        <>
          <h3>{t('facturas')}</h3>
          <ul class="facturas">
            {facturas?.facturas.map((f) => (
              <li key={f.id}>
                <button
                  type="button"
                  aria-pressed={f.id === facturaId}
                  onClick={() => setFacturaId(f.id)}
                >
                  {f.periodo} · {f.estado} · {f.total} {f.moneda}
                </button>
              </li>
            ))}
          </ul>
          {factura && <Estado factura={factura} key={factura.id} />}
          {facturas && (
            <>
              <h3>{t('energiaTou')}</h3>
              <EnergiaTou facturas={facturas.facturas} />
            </>
          )}
          {serie && (
            <>
              <h3>
                {t('energiaDia')} · {serie}
              </h3>
              <Energia serie={serie} zona={cuenta.zona} intervalo="dia" fin={fin} />
              <h3>{t('energiaMes')}</h3>
              <Energia serie={serie} zona={cuenta.zona} intervalo="mes" fin={fin} />
              <h3>{t('calidad')}</h3>
              <Calendario serie={serie} zona={cuenta.zona} fin={fin} />
            </>
          )}
        </>
      )}
    </section>
  );
}
