import { useState } from 'preact/hooks';
import { entrar } from '../api';
import { t } from '../i18n';

export function Entrar({ motivo }: { motivo?: string }) {
  const [clave, setClave] = useState('');
  const [error, setError] = useState<string>();
  const enviar = (e: Event): void => {
    e.preventDefault();
    entrar(clave.trim()).catch((err: Error) => setError(err.message));
  };
  const aviso = error ?? (motivo && `${t('sesionTerminada')}: ${motivo}`);
  return (
    <main class="entrar">
      <h1>iot-backend · {t('titulo')}</h1>
      <form onSubmit={enviar}>
        <label for="clave">{t('clave')}</label>
        <input
          id="clave"
          type="password"
          autocomplete="off"
          required
          value={clave}
          onInput={(e) => setClave(e.currentTarget.value)}
        />
        <p class="ayuda">{t('claveAyuda')}</p>
        {aviso && (
          <p role="alert" class="aviso">
            {aviso}
          </p>
        )}
        <button type="submit">{t('entrar')}</button>
      </form>
    </main>
  );
}
