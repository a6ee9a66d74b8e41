import { signal } from '@preact/signals';

const CLAVE = 'iot.clave';

export type Rol = 'admin' | 'facturacion' | 'dispositivo';
export interface Sesion {
  role: Rol;
  keyId: string;
  series?: string[];
}

/** The signed-in key's session; undefined: at the sign-in page. */
export const sesion = signal<Sesion | undefined>(undefined);
/** Why the last session ended (a 401 or 403 answer), shown at sign-in. */
export const motivoSalida = signal<string | undefined>(undefined);

export class ErrorApi extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const claveGuardada = (): string | null => sessionStorage.getItem(CLAVE);

/** Back to sign-in: the key is forgotten, the reason kept for the page. */
export function salir(motivo?: string): void {
  sessionStorage.removeItem(CLAVE);
  sesion.value = undefined;
  motivoSalida.value = motivo;
}

/**
 * A call through the gateway with the key in its header (never in a URL).
 * Any 401 or 403 ends the session with the answer's reason.
 */
export async function pedir(ruta: string, init: RequestInit = {}): Promise<Response> {
  const clave = claveGuardada();
  const headers = new Headers(init.headers);
  if (clave) headers.set('x-api-key', clave);
  if (init.body) headers.set('content-type', 'application/json');
  const res = await fetch(ruta, { ...init, headers });
  if (res.status === 401 || res.status === 403) {
    const cuerpo = (await res.json().catch(() => ({}))) as { message?: string };
    const motivo = `${res.status}: ${cuerpo.message ?? res.statusText}`;
    salir(motivo);
    throw new ErrorApi(res.status, motivo);
  }
  if (!res.ok) {
    const cuerpo = (await res.json().catch(() => ({}))) as { message?: string };
    throw new ErrorApi(res.status, `${res.status}: ${cuerpo.message ?? res.statusText}`);
  }
  return res;
}

export const json = async <T>(ruta: string, init?: RequestInit): Promise<T> =>
  (await (await pedir(ruta, init)).json()) as T;

/** Signs in: the key is kept for this tab only if the gateway accepts it. */
export async function entrar(clave: string): Promise<void> {
  sessionStorage.setItem(CLAVE, clave);
  try {
    sesion.value = await json<Sesion>('/api/gateway/sesion');
    motivoSalida.value = undefined;
  } catch (error) {
    sessionStorage.removeItem(CLAVE);
    throw error;
  }
}

/** A tab reloaded while signed in: its key is asked about again. */
export async function reanudar(): Promise<void> {
  if (!claveGuardada()) return;
  sesion.value = await json<Sesion>('/api/gateway/sesion').catch(() => undefined);
}

/** A file from the API saved by the browser (the key goes in the header, not the link). */
export async function descargar(ruta: string, nombre: string): Promise<void> {
  const blob = await (await pedir(ruta)).blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = nombre;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
