import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiError } from '../api/api-error';
import type { Audience } from '../api/api-types';
import { ProblemMessage } from '../components/problem-message';
import { asApiError, useLoaded } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';

interface AudienceFields {
  all: boolean;
  readyNotTold: boolean;
  lensRenewalWithinDays: string;
  noVisitForMonths: string;
}

const NO_AUDIENCE: AudienceFields = {
  all: false,
  readyNotTold: false,
  lensRenewalWithinDays: '',
  noVisitForMonths: '',
};

/** A new campaign: its name, a predefined message, and who gets it. */
export function NewCampaignForm(props: { onCreated(): Promise<void> }) {
  const { api } = useSession();
  const templates = useLoaded(() => api.templates(), [api]);
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [audience, setAudience] = useState(NO_AUDIENCE);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api.createCampaign({
        name,
        templateId,
        audience: audienceOf(audience),
      });
      setName('');
      setAudience(NO_AUDIENCE);
      setError(null);
      await props.onCreated();
    } catch (caught) {
      setError(asApiError(caught));
    }
  };

  return (
    <form className="card new-campaign" onSubmit={submit}>
      <h2>Nouvelle campagne</h2>
      <div className="form-grid">
        <label htmlFor="campaign-name">Nom</label>
        <input
          id="campaign-name"
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <label htmlFor="campaign-template">Message prédéfini</label>
        <select
          id="campaign-template"
          required
          value={templateId}
          onChange={(event) => setTemplateId(event.target.value)}
        >
          <option value="">— choisir —</option>
          {templates.data?.items.map((template) => (
            <option key={template.id} value={template.id}>
              {template.channel === 'sms' ? 'SMS' : 'Email'} · {template.label}
            </option>
          ))}
        </select>
      </div>
      <AudienceFieldset value={audience} onChange={setAudience} />
      <ProblemMessage error={error} />
      <button type="submit" className="primary">
        Créer la campagne
      </button>
    </form>
  );
}

/** The audience's criteria, combined as a union by the API. */
function AudienceFieldset(props: {
  value: AudienceFields;
  onChange(value: AudienceFields): void;
}) {
  const { value } = props;
  const set = (change: Partial<AudienceFields>) =>
    props.onChange({ ...value, ...change });
  return (
    <fieldset className="audience">
      <legend>Destinataires (les critères s'additionnent)</legend>
      <label>
        <input
          type="checkbox"
          checked={value.all}
          onChange={(event) => set({ all: event.target.checked })}
        />
        Tous les clients
      </label>
      <label>
        <input
          type="checkbox"
          checked={value.readyNotTold}
          onChange={(event) => set({ readyNotTold: event.target.checked })}
        />
        Équipement prêt, client pas encore prévenu
      </label>
      <label>
        Lentilles à renouveler dans les{' '}
        <input
          type="number"
          min={1}
          max={365}
          className="short"
          value={value.lensRenewalWithinDays}
          onChange={(event) =>
            set({ lensRenewalWithinDays: event.target.value })
          }
        />{' '}
        jours
      </label>
      <label>
        Sans visite depuis{' '}
        <input
          type="number"
          min={1}
          max={240}
          className="short"
          value={value.noVisitForMonths}
          onChange={(event) => set({ noVisitForMonths: event.target.value })}
        />{' '}
        mois
      </label>
    </fieldset>
  );
}

function audienceOf(fields: AudienceFields): Audience {
  const audience: Audience = {};
  if (fields.all) audience.all = true;
  if (fields.readyNotTold) audience.readyNotTold = true;
  if (fields.lensRenewalWithinDays)
    audience.lensRenewalWithinDays = Number(fields.lensRenewalWithinDays);
  if (fields.noVisitForMonths)
    audience.noVisitForMonths = Number(fields.noVisitForMonths);
  return audience;
}
