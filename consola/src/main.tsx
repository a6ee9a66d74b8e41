import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { motivoSalida, reanudar, Rol, salir, sesion } from './api';
import { olvidarDatos } from './datos';
import { cambiarZona, zona, ZONAS } from './hora';
import { cambiarIdioma, Clave, idioma, t } from './i18n';
import { Entrar } from './paginas/Entrar';
import { Ingesta } from './paginas/Ingesta';
import { Rechazadas } from './paginas/Rechazadas';
import { Dispositivos } from './paginas/Dispositivos';
import { Facturacion } from './paginas/Facturacion';
import { Claves } from './paginas/Claves';
import './estilos.css';

interface Pagina {
  ruta: string;
  titulo: Clave;
  roles: Rol[];
  Componente: () => preact.JSX.Element;
}

/** Each page and who may see it: the same roles the gateway enforces on its calls. */
const PAGINAS: Pagina[] = [
  { ruta: 'ingesta', titulo: 'ingesta', roles: ['admin'], Componente: Ingesta },
  { ruta: 'rechazadas', titulo: 'rechazadas', roles: ['admin'], Componente: Rechazadas },
  { ruta: 'dispositivos', titulo: 'dispositivos', roles: ['admin'], Componente: Dispositivos },
  {
    ruta: 'facturacion',
    titulo: 'facturacion',
    roles: ['admin', 'facturacion'],
    Componente: Facturacion,
  },
  { ruta: 'claves', titulo: 'claves', roles: ['admin'], Componente: Claves },
];

const rutaActual = (): string => location.hash.replace(/^#\/?/, '').split('?')[0];

function App() {
  const [ruta, setRuta] = useState(rutaActual());
  const [listo, setListo] = useState(false);
  useEffect(() => {
    const cambio = (): void => setRuta(rutaActual());
    addEventListener('hashchange', cambio);
    void reanudar().finally(() => setListo(true));
    return () => removeEventListener('hashchange', cambio);
  }, []);
  // read so a switch re-renders every text and date
  void idioma.value;
  void zona.value;
  if (!listo) return <p class="cargando">{t('cargando')}</p>;
  const s = sesion.value;
  if (!s) return <Entrar motivo={motivoSalida.value} />;
  const visibles = PAGINAS.filter((p) => p.roles.includes(s.role));
  const pagina = visibles.find((p) => p.ruta === ruta) ?? visibles[0];
  return (
    <>
      <header>
        <h1>iot-backend · {t('titulo')}</h1>
        <nav aria-label={t('titulo')}>
          {visibles.map((p) => (
            <a href={`#/${p.ruta}`} aria-current={p === pagina ? 'page' : undefined} key={p.ruta}>
              {t(p.titulo)}
            </a>
          ))}
        </nav>
        <div class="ajustes">
          <label>
            {t('zona')}{' '}
            <select value={zona.value} onChange={(e) => cambiarZona(e.currentTarget.value)}>
              {[...new Set([zona.value, ...ZONAS])].map((z) => (
                <option key={z}>{z}</option>
              ))}
            </select>
          </label>
          <button type="button" onClick={cambiarIdioma} lang={idioma.value === 'es' ? 'en' : 'es'}>
            {t('idioma')}
          </button>
          <span class="rol">
            {s.role} · {s.keyId}
          </span>
          <button
            type="button"
            onClick={() => {
              olvidarDatos();
              salir();
            }}
          >
            {t('salir')}
          </button>
        </div>
      </header>
      <main id="contenido">
        {pagina ? <pagina.Componente key={pagina.ruta} /> : <p>{t('sinPaginas')}</p>}
      </main>
    </>
  );
}

document.documentElement.lang = idioma.value;
render(<App />, document.getElementById('app')!);
