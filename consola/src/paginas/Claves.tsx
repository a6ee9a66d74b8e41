import { useState } from 'preact/hooks';
import { json } from '../api';
import { useDatos } from '../datos';
import { fecha } from '../hora';
import { t } from '../i18n';

interface Clave {
  id: string;
  role: string;
  nombre?: string | null;
  series?: string[] | null;
  createdAt?: string;
  revokedAt?: string | null;
}

/** Keys (admin): list, create (its secret shown once, with a copy button), revoke. */
export function Claves() {
  const { datos, error, recargar } = useDatos<Clave[]>('/api/gateway/keys');
  const [rol, setRol] = useState('dispositivo');
  const [nombre, setNombre] = useState('');
  const [series, setSeries] = useState('');
  const [nueva, setNueva] = useState<string>();
  const [copiada, setCopiada] = useState(false);
  const [fallo, setFallo] = useState<string>();
  const crear = (e: Event): void => {
    e.preventDefault();
    const cuerpo = {
      role: rol,
      ...(nombre && { nombre }),
      ...(rol === 'dispositivo' && series && { series: series.split(/[\s,]+/).filter(Boolean) }),
    };
    json<{ key: string }>('/api/gateway/keys', {
      method: 'POST',
      body: JSON.stringify(cuerpo),
    }).then(
      (c) => {
        setNueva(c.key);
        setCopiada(false);
        setFallo(undefined);
        recargar();
      },
      (err: Error) => setFallo(err.message),
    );
  };
  const revocar = (id: string): void => {
    json(`/api/gateway/keys/${encodeURIComponent(id)}`, { method: 'DELETE' }).then(
      recargar,
      (err: Error) => setFallo(err.message),
    );
  };
  return (
    <section>
      <h2>{t('claves')}</h2>
      <form class="barra" onSubmit={crear}>
        <label>
          {t('rol')}{' '}
          <select value={rol} onChange={(e) => setRol(e.currentTarget.value)}>
            <option>dispositivo</option>
            <option>facturacion</option>
            <option>admin</option>
          </select>
        </label>
        <label>
          {t('nombre')} <input value={nombre} onInput={(e) => setNombre(e.currentTarget.value)} />
        </label>
        {rol === 'dispositivo' && (
          <label>
            {t('series')} <input value={series} onInput={(e) => setSeries(e.currentTarget.value)} />
          </label>
        )}
        <button type="submit">{t('crear')}</button>
      </form>
      {fallo && <p role="alert">{fallo}</p>}
      {nueva && (
        <div class="nueva" role="status">
          <p>{t('nuevaClave')}</p>
          <code>{nueva}</code>{' '}
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(nueva).then(() => setCopiada(true))}
          >
            {copiada ? t('copiada') : t('copiar')}
          </button>
        </div>
      )}
      {error && <p role="alert">{error}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">{t('rol')}</th>
            <th scope="col">{t('nombre')}</th>
            <th scope="col">{t('series')}</th>
            <th scope="col">{t('estado')}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {datos?.map((c) => (
            <tr key={c.id}>
              <td>
                <code>{c.id}</code>
              </td>
              <td>{c.role}</td>
              <td>{c.nombre}</td>
              <td>{c.series?.join(', ')}</td>
              <td>{c.revokedAt ? `${t('revocada')} ${fecha(c.revokedAt)}` : t('activa')}</td>
              <td>
                {!c.revokedAt && (
                  <button type="button" onClick={() => revocar(c.id)}>
                    {t('revocar')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
