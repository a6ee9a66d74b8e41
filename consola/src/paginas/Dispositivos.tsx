import { useEffect, useState } from 'preact/hooks';
import { useDatos } from '../datos';
import { Grafica } from '../componentes/Grafica';
import { aLocal, deLocal, fecha, zona } from '../hora';
import { t } from '../i18n';

interface Dispositivo {
  numeroSerie: string;
  variables: { nombreVariable: string; primera: string; ultima: string }[];
}
interface Serie {
  lecturas: number;
  anchoMs: number;
  t: number[];
  v: (number | null)[];
}

const DIA = 86_400_000;
const PRESETS: [string, number][] = [
  ['1 h', DIA / 24],
  ['1 d', DIA],
  ['7 d', 7 * DIA],
  ['30 d', 30 * DIA],
  ['365 d', 365 * DIA],
];

/** As many points as the plot has pixel columns (within the route's budget). */
const puntos = (): number =>
  Math.min(8000, Math.max(200, document.getElementById('contenido')?.clientWidth ?? 1000));

/** Devices by serial; one device's variable plotted over a range, downsampled by the server. */
export function Dispositivos() {
  const [prefijo, setPrefijo] = useState('');
  const [serie, setSerie] = useState<string>();
  const [variable, setVariable] = useState<string>();
  const [rango, setRango] = useState<[number, number]>();
  const lista = useDatos<{ dispositivos: string[] }>(
    `/api/dispositivo/dispositivos?prefijo=${encodeURIComponent(prefijo)}&limite=20`,
  );
  const disp = useDatos<Dispositivo>(
    serie ? `/api/dispositivo/dispositivos/${encodeURIComponent(serie)}` : undefined,
  );
  const v = disp.datos?.variables.find((x) => x.nombreVariable === variable);
  /** A variable chosen: its last day, in the same render (never a request for the old range). */
  const elegir = (x: Dispositivo['variables'][number]): void => {
    const hasta = Date.parse(x.ultima) + 1;
    setVariable(x.nombreVariable);
    setRango([Math.max(Date.parse(x.primera), hasta - DIA), hasta]);
  };
  // a device's details arrived: its first variable
  useEffect(() => {
    const primera = disp.datos?.numeroSerie === serie ? disp.datos?.variables[0] : undefined;
    if (primera && !variable) elegir(primera);
  }, [disp.datos]);
  const grafica = useDatos<Serie>(
    serie && variable && rango
      ? `/api/dispositivo/grafica?numeroSerie=${encodeURIComponent(serie)}&nombreVariable=${encodeURIComponent(variable)}` +
          `&desde=${new Date(rango[0]).toISOString()}&hasta=${new Date(rango[1]).toISOString()}&puntos=${puntos()}`
      : undefined,
  );
  const mover = (fraccion: number): void => {
    if (!rango) return;
    const d = (rango[1] - rango[0]) * fraccion;
    setRango([rango[0] + d, rango[1] + d]);
  };
  return (
    <section>
      <h2>{t('dispositivos')}</h2>
      <div class="dispositivos">
        <div class="lista">
          <label for="buscar">{t('buscar')}</label>
          <input
            id="buscar"
            type="search"
            value={prefijo}
            onInput={(e) => setPrefijo(e.currentTarget.value.replace(/[^A-Za-z0-9._:-]/g, ''))}
          />
          <ul>
            {lista.datos?.dispositivos.map((s) => (
              <li key={s}>
                <button
                  type="button"
                  aria-pressed={s === serie}
                  onClick={() => {
                    setSerie(s);
                    setVariable(undefined);
                    setRango(undefined);
                  }}
                >
                  {s}
                </button>
              </li>
            ))}
          </ul>
        </div>
        {disp.datos && serie && (
          <div class="detalle">
            <h3>{serie}</h3>
            <div class="barra">
              <label>
                {t('variable')}{' '}
                <select
                  value={variable}
                  onChange={(e) => {
                    const x = disp.datos?.variables.find(
                      (y) => y.nombreVariable === e.currentTarget.value,
                    );
                    if (x) elegir(x);
                  }}
                >
                  {disp.datos.variables.map((x) => (
                    <option key={x.nombreVariable}>{x.nombreVariable}</option>
                  ))}
                </select>
              </label>
              {PRESETS.map(([etiqueta, ms]) => (
                <button
                  type="button"
                  key={etiqueta}
                  onClick={() =>
                    v && setRango([Date.parse(v.ultima) + 1 - ms, Date.parse(v.ultima) + 1])
                  }
                >
                  {etiqueta}
                </button>
              ))}
            </div>
            {rango && (
              <div class="barra">
                <label>
                  {t('desde')} ({zona.value}){' '}
                  <input
                    type="datetime-local"
                    value={aLocal(rango[0])}
                    onChange={(e) => setRango([deLocal(e.currentTarget.value), rango[1]])}
                  />
                </label>
                <label>
                  {t('hasta')}{' '}
                  <input
                    type="datetime-local"
                    value={aLocal(rango[1])}
                    onChange={(e) => setRango([rango[0], deLocal(e.currentTarget.value)])}
                  />
                </label>
                <button type="button" onClick={() => mover(-0.5)}>
                  {t('anterior')}
                </button>
                <button type="button" onClick={() => mover(0.5)}>
                  {t('siguiente')}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    const d = (rango[1] - rango[0]) / 2;
                    setRango([rango[0] - d, rango[1] + d]);
                  }}
                >
                  {t('alejar')}
                </button>
              </div>
            )}
            {grafica.error && <p role="alert">{grafica.error}</p>}
            {grafica.datos && rango && (
              <>
                <p class="nota">
                  {fecha(rango[0])} – {fecha(rango[1])} · {grafica.datos.lecturas} {t('lecturas')} ·{' '}
                  {grafica.datos.t.length} {t('puntos')} · {t('acercar')}
                </p>
                <Grafica
                  etiqueta={`${serie} ${variable ?? ''}`}
                  t={grafica.datos.t}
                  series={[
                    { etiqueta: variable ?? '', color: '#1f5fa8', valores: grafica.datos.v },
                  ]}
                  onRango={(desde, hasta) => setRango([desde, hasta])}
                />
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
