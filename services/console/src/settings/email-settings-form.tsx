import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiError } from '../api/api-error';
import type { EmailSettings, SmtpCheck } from '../api/api-types';
import { ProblemMessage } from '../components/problem-message';
import { asApiError, useLoaded } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';
import { smtpCheckText } from './smtp-check-text';
import type { TestedServer } from './smtp-check-text';

interface Fields {
  fromAddress: string;
  fromName: string;
  ownServer: boolean;
  host: string;
  port: string;
  tlsMode: 'tls' | 'starttls' | 'none';
  user: string;
  /** Empty keeps the stored password (the API never shows it). */
  password: string;
  copyPolicy: 'none' | 'cc' | 'bcc';
  copyAddress: string;
}

/** "Expéditeur", "Serveur d'envoi" (with its test) and "Copie conforme". */
export function EmailSettingsForm() {
  const { api } = useSession();
  const settings = useLoaded(() => api.emailSettings(), [api]);
  if (settings.error) return <ProblemMessage error={settings.error} />;
  if (!settings.data) return <p className="loading">Chargement…</p>;
  return <EmailSettingsFields initial={settings.data} />;
}

function EmailSettingsFields(props: { initial: EmailSettings }) {
  const { api } = useSession();
  const [fields, setFields] = useState(() => fieldsOf(props.initial));
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const set = (change: Partial<Fields>) => setFields({ ...fields, ...change });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    try {
      setFields(fieldsOf(await api.updateEmailSettings(changesOf(fields))));
      setError(null);
      setSaved(true);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };

  return (
    <form className="card" onSubmit={submit}>
      <h2>Paramétrage des mails</h2>
      <div className="form-grid">
        <label htmlFor="email-from-address">Mail de l'expéditeur</label>
        <input
          id="email-from-address"
          type="email"
          value={fields.fromAddress}
          onChange={(e) => set({ fromAddress: e.target.value })}
        />
        <label htmlFor="email-from-name">Nom de l'expéditeur</label>
        <input
          id="email-from-name"
          value={fields.fromName}
          onChange={(e) => set({ fromName: e.target.value })}
        />
      </div>
      <ServerFieldset fields={fields} set={set} />
      <CopyFieldset fields={fields} set={set} />
      <ProblemMessage error={error} />
      {saved && (
        <p role="status" className="notice">
          Paramètres enregistrés.
        </p>
      )}
      <button type="submit" className="primary">
        Enregistrer
      </button>
    </form>
  );
}

function ServerFieldset(props: {
  fields: Fields;
  set(change: Partial<Fields>): void;
}) {
  const { fields, set } = props;
  return (
    <fieldset>
      <legend>Serveur d'envoi</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={fields.ownServer}
          onChange={(e) => set({ ownServer: e.target.checked })}
        />
        Utiliser le serveur SMTP du magasin
      </label>
      {fields.ownServer && (
        <div className="form-grid">
          <label htmlFor="smtp-host">Serveur SMTP</label>
          <input
            id="smtp-host"
            required
            value={fields.host}
            onChange={(e) => set({ host: e.target.value })}
          />
          <label htmlFor="smtp-port">Port</label>
          <input
            id="smtp-port"
            type="number"
            required
            min={1}
            max={65535}
            value={fields.port}
            onChange={(e) => set({ port: e.target.value })}
          />
          <label htmlFor="smtp-tls">Sécurité</label>
          <select
            id="smtp-tls"
            value={fields.tlsMode}
            onChange={(e) =>
              set({ tlsMode: e.target.value as Fields['tlsMode'] })
            }
          >
            <option value="starttls">STARTTLS (port 587)</option>
            <option value="tls">TLS (port 465)</option>
            <option value="none">Aucune</option>
          </select>
          <label htmlFor="smtp-user">Utilisateur</label>
          <input
            id="smtp-user"
            autoComplete="off"
            value={fields.user}
            onChange={(e) => set({ user: e.target.value })}
          />
          <label htmlFor="smtp-password">Mot de passe</label>
          <input
            id="smtp-password"
            type="password"
            autoComplete="new-password"
            placeholder="inchangé si vide"
            value={fields.password}
            onChange={(e) => set({ password: e.target.value })}
          />
        </div>
      )}
      {fields.ownServer && <ConnectionTest fields={fields} />}
    </fieldset>
  );
}

/** "Tester la connexion": the server as typed, or the stored password. */
function ConnectionTest(props: { fields: Fields }) {
  const { api } = useSession();
  const [result, setResult] = useState<{
    check: SmtpCheck;
    server: TestedServer;
  } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const test = async () => {
    setBusy(true);
    const smtp = smtpOf(props.fields);
    try {
      setResult({ check: await api.verifySmtp(smtp), server: smtp });
      setError(null);
    } catch (caught) {
      setError(asApiError(caught));
      setResult(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="connection-test">
      <button type="button" onClick={test} disabled={busy}>
        Tester la connexion
      </button>
      {result && <CheckResult {...result} />}
      <ProblemMessage error={error} />
    </div>
  );
}

function CheckResult(props: { check: SmtpCheck; server: TestedServer }) {
  const { check } = props;
  return (
    <div role="status" className={check.ok ? 'notice' : 'warning-box'}>
      <p>{smtpCheckText(check, props.server)}</p>
      {!check.ok && check.message && (
        <p className="hint">Réponse : {check.message}</p>
      )}
    </div>
  );
}

function CopyFieldset(props: {
  fields: Fields;
  set(change: Partial<Fields>): void;
}) {
  const { fields, set } = props;
  return (
    <fieldset>
      <legend>Copie conforme</legend>
      <label htmlFor="copy-policy">Envoyer une copie de chaque mail</label>
      <select
        id="copy-policy"
        value={fields.copyPolicy}
        onChange={(e) =>
          set({ copyPolicy: e.target.value as Fields['copyPolicy'] })
        }
      >
        <option value="none">Non</option>
        <option value="cc">En copie conforme</option>
        <option value="bcc">En copie cachée</option>
      </select>
      {fields.copyPolicy !== 'none' && (
        <>
          <label htmlFor="copy-address">Adresse de copie</label>
          <input
            id="copy-address"
            type="email"
            required
            value={fields.copyAddress}
            onChange={(e) => set({ copyAddress: e.target.value })}
          />
        </>
      )}
    </fieldset>
  );
}

function fieldsOf(settings: EmailSettings): Fields {
  return {
    fromAddress: settings.fromAddress ?? '',
    fromName: settings.fromName ?? '',
    ownServer: settings.smtp !== null,
    host: settings.smtp?.host ?? '',
    port: String(settings.smtp?.port ?? 587),
    tlsMode: settings.smtp?.tlsMode ?? 'starttls',
    user: settings.smtp?.user ?? '',
    password: '',
    copyPolicy: settings.copy.policy,
    copyAddress: settings.copy.address ?? '',
  };
}

function smtpOf(fields: Fields) {
  return {
    host: fields.host.trim(),
    port: Number(fields.port),
    tlsMode: fields.tlsMode,
    user: fields.user.trim() || null,
    // Omitted, the API uses the stored one (for the same server only).
    ...(fields.password ? { password: fields.password } : {}),
  };
}

function changesOf(fields: Fields): Record<string, unknown> {
  return {
    fromAddress: fields.fromAddress.trim() || null,
    fromName: fields.fromName.trim() || null,
    smtp: fields.ownServer ? smtpOf(fields) : null,
    copy:
      fields.copyPolicy === 'none'
        ? { policy: 'none' }
        : { policy: fields.copyPolicy, address: fields.copyAddress.trim() },
  };
}
