import { useState } from 'react';
import type { ChannelConsent, Client, Visit } from '../api/api-types';
import { isSettling, MessageHistory } from '../components/message-history';
import { ProblemMessage } from '../components/problem-message';
import { EmailDialog } from '../email/email-dialog';
import { formatDateTime, formatDay } from '../format/dates';
import {
  CONSENT_ACTOR,
  CONSENT_SOURCE,
  labelOf,
  VISIT_KIND,
} from '../format/labels';
import { useInterval, useLoaded } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';
import { SmsDialog } from '../sms/sms-dialog';
import { clientName } from './client-name';

/**
 * "Fiche client": identity, mobile and e-mail, both consents with their
 * proof, the visits, the buttons to send an SMS or an e-mail, and the
 * history of both.
 */
export function ClientRecordScreen(props: { clientId: string }) {
  const { api } = useSession();
  const { clientId } = props;
  const client = useLoaded(() => api.client(clientId), [api, clientId]);
  const consent = useLoaded(() => api.consent(clientId), [api, clientId]);
  const visits = useLoaded(() => api.visits(clientId), [api, clientId]);
  const [visitId, setVisitId] = useState<string>();
  const [dialog, setDialog] = useState<'sms' | 'email' | null>(null);

  if (client.error) return <ProblemMessage error={client.error} />;
  if (!client.data) return <p className="loading">Chargement…</p>;
  const visit = chosenVisit(visits.data?.items, visitId);

  return (
    <section aria-labelledby="client-title" className="client-record">
      <h1 id="client-title">{clientName(client.data)}</h1>
      <div className="record-grid">
        <Identity client={client.data} />
        <div className="card">
          <h2>Consentements</h2>
          <ConsentLine
            label="Accepte de recevoir des SMS"
            state={consent.data?.sms}
          />
          <ConsentLine
            label="Accepte de recevoir des emails"
            state={consent.data?.email}
          />
        </div>
        <VisitChoice
          visits={visits.data?.items}
          chosen={visit}
          onChoose={setVisitId}
        />
      </div>
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() => setDialog('sms')}
        >
          Envoyer un SMS
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => setDialog('email')}
        >
          Envoyer un email
        </button>
      </div>
      <ClientHistory clientId={clientId} refreshKey={dialog} />
      {dialog === 'sms' && (
        <SmsDialog
          client={client.data}
          visit={visit}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'email' && (
        <EmailDialog
          client={client.data}
          visit={visit}
          onClose={() => setDialog(null)}
        />
      )}
    </section>
  );
}

function Identity(props: { client: Client }) {
  const { client } = props;
  return (
    <div className="card">
      <h2>Identité</h2>
      <dl className="fields">
        <dt>Civilité</dt>
        <dd>{client.civility ?? '—'}</dd>
        <dt>Nom</dt>
        <dd>{client.lastName}</dd>
        <dt>Prénom</dt>
        <dd>{client.firstName ?? '—'}</dd>
        <dt>Portable</dt>
        <dd>{client.mobile ?? '—'}</dd>
        <dt>E-mail</dt>
        <dd>{client.email ?? '—'}</dd>
      </dl>
    </div>
  );
}

function ConsentLine(props: { label: string; state?: ChannelConsent }) {
  const { shop } = useSession();
  const state = props.state;
  if (!state) return null;
  const proof = [
    state.since && `le ${formatDateTime(state.since, shop.timeZone)}`,
    state.source && labelOf(CONSENT_SOURCE, state.source),
    state.actor && `par ${labelOf(CONSENT_ACTOR, state.actor)}`,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <p className="consent">
      <span aria-hidden="true">{state.granted ? '☑' : '☐'}</span> {props.label}{' '}
      : <strong>{state.granted ? 'oui' : 'non'}</strong>
      {proof && <span className="proof"> ({proof})</span>}
      {state.suppressed && (
        <span className="warning"> — numéro ou adresse bloqué</span>
      )}
    </p>
  );
}

/** The visit whose date and documents a message uses; the latest by default. */
function VisitChoice(props: {
  visits?: Visit[];
  chosen?: Visit;
  onChoose(id: string): void;
}) {
  if (!props.visits) return null;
  return (
    <div className="card">
      <h2>Visites</h2>
      {props.visits.length === 0 ? (
        <p>Aucune visite.</p>
      ) : (
        <>
          <label htmlFor="visit-choice">Visite concernée</label>
          <select
            id="visit-choice"
            value={props.chosen?.id}
            onChange={(event) => props.onChoose(event.target.value)}
          >
            {props.visits.map((visit) => (
              <option key={visit.id} value={visit.id}>
                {labelOf(VISIT_KIND, visit.kind)} du{' '}
                {formatDay(visit.visitDate)}
              </option>
            ))}
          </select>
        </>
      )}
    </div>
  );
}

function chosenVisit(visits: Visit[] | undefined, id?: string) {
  return visits?.find((visit) => visit.id === id) ?? visits?.[0];
}

/** Both channels' history; reloaded when a dialog closes, polled while sending. */
function ClientHistory(props: { clientId: string; refreshKey: unknown }) {
  const { api, shop } = useSession();
  const { clientId, refreshKey } = props;
  const history = useLoaded(
    () => api.messages({ clientId }),
    [api, clientId, refreshKey],
  );
  const items = history.data?.items;
  useInterval(history.reload, 1000, items?.some(isSettling) ?? false);

  return (
    <div className="histories">
      <MessageHistory
        caption="Historique des SMS"
        channel="sms"
        messages={items?.filter((m) => m.channel === 'sms')}
        timeZone={shop.timeZone}
      />
      <MessageHistory
        caption="Historique des emails"
        channel="email"
        messages={items?.filter((m) => m.channel === 'email')}
        timeZone={shop.timeZone}
      />
    </div>
  );
}
