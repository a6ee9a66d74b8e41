import { useEffect, useState } from 'preact/hooks';
import { json } from './api';

/** The last answer per route: a page switched back to renders at once, then refreshes. */
const cache = new Map<string, unknown>();

export function olvidarDatos(): void {
  cache.clear();
}

/**
 * The JSON at `ruta` (undefined: nothing to ask yet), fetched again every
 * `cadaMs` when given; errors other than 401/403 are shown by the page.
 */
export function useDatos<T>(ruta: string | undefined, cadaMs?: number) {
  const [datos, setDatos] = useState<T | undefined>(
    ruta ? (cache.get(ruta) as T | undefined) : undefined,
  );
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!ruta) return;
    let vivo = true;
    setDatos(cache.get(ruta) as T | undefined);
    const traer = (): void => {
      json<T>(ruta).then(
        (d) => {
          cache.set(ruta, d);
          if (vivo) {
            setDatos(d);
            setError(undefined);
          }
        },
        (e: Error) => vivo && setError(e.message),
      );
    };
    traer();
    const timer = cadaMs ? setInterval(traer, cadaMs) : undefined;
    return () => {
      vivo = false;
      clearInterval(timer);
    };
  }, [ruta, cadaMs, version]);
  return { datos, error, recargar: () => setVersion((v) => v + 1) };
}
