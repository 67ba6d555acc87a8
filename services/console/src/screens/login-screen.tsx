import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiError } from '../api/api-error';
import { problemSentences } from '../format/problem-text';

/** "Connexion": the shop's API key, which decides the shop and the role. */
export function LoginScreen(props: {
  onLogin(key: string): Promise<void>;
  error: ApiError | null;
}) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    await props.onLogin(key.trim());
    setBusy(false);
  };

  return (
    <main className="login" id="main">
      <form onSubmit={submit} className="card login-card">
        <h1>Communication clients</h1>
        <p>Connectez-vous avec la clé d'API de votre magasin.</p>
        <label htmlFor="api-key">Clé d'API</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          autoFocus
          required
          value={key}
          onChange={(event) => setKey(event.target.value)}
        />
        {props.error && (
          <p role="alert" className="problem">
            {loginMessage(props.error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Se connecter
        </button>
      </form>
    </main>
  );
}

function loginMessage(error: ApiError): string {
  if (error.status === 401) return 'Clé inconnue ou révoquée.';
  return problemSentences(error).join(' ');
}
