import { useState } from 'preact/hooks';
import { useDatos } from '../datos';
import { fecha } from '../hora';
import { t } from '../i18n';

interface Rechazada {
  id: number;
  topic: string;
  payload: string | null;
  payloadBase64?: string;
  payloadBytes: number;
  motivo: { field: string; reason: string; indice?: number }[];
  recibidaEn: string;
}

const bytesDe = (r: Rechazada): Uint8Array =>
  r.payloadBase64 !== undefined
    ? Uint8Array.from(atob(r.payloadBase64), (c) => c.charCodeAt(0))
    : new TextEncoder().encode(r.payload ?? '');

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

/** Dead letters, newest first, a page at a time; each payload as text or hex. */
export function Rechazadas() {
  const [antesDe, setAntesDe] = useState<number[]>([]);
  const [comoHex, setComoHex] = useState(false);
  const cursor = antesDe.at(-1);
  const { datos, error } = useDatos<{ rechazadas: Rechazada[]; siguiente: number | null }>(
    `/api/dispositivo/rechazadas?limite=20${cursor ? `&antesDe=${cursor}` : ''}`,
  );
  return (
    <section>
      <h2>{t('rechazadas')}</h2>
      <div class="barra" role="group">
        <button type="button" aria-pressed={!comoHex} onClick={() => setComoHex(false)}>
          {t('texto')}
        </button>
        <button type="button" aria-pressed={comoHex} onClick={() => setComoHex(true)}>
          {t('hex')}
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      {!datos && !error && <p class="cargando">{t('cargando')}</p>}
      {datos && datos.rechazadas.length === 0 && <p>{t('ninguno')}</p>}
      {datos && datos.rechazadas.length > 0 && (
        <table class="rechazadas">
          <thead>
            <tr>
              <th scope="col">{t('recibida')}</th>
              <th scope="col">{t('motivo')}</th>
              <th scope="col">{t('contenido')}</th>
            </tr>
          </thead>
          <tbody>
            {datos.rechazadas.map((r) => (
              <tr key={r.id}>
                <td>
                  {fecha(r.recibidaEn)}
                  <br />
                  <code>{r.topic}</code>
                </td>
                <td>
                  <ul>
                    {r.motivo.map((m, k) => (
                      <li key={k}>
                        {m.indice !== undefined && `[${m.indice}] `}
                        <code>{m.field}</code>: {m.reason}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <pre class="contenido">
                    {comoHex || r.payload === null ? hex(bytesDe(r)) : r.payload}
                  </pre>
                  <small>
                    {r.payloadBytes} B{r.payload === null && ' (no UTF-8)'}
                  </small>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="barra">
        <button
          type="button"
          disabled={antesDe.length === 0}
          onClick={() => setAntesDe(antesDe.slice(0, -1))}
        >
          {t('anterior')}
        </button>
        <button
          type="button"
          disabled={!datos?.siguiente}
          onClick={() => datos?.siguiente && setAntesDe([...antesDe, datos.siguiente])}
        >
          {t('siguiente')}
        </button>
      </div>
    </section>
  );
}
