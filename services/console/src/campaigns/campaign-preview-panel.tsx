import { useState } from 'react';
import { useLoaded } from '../hooks/use-loaded';
import { EXCLUSION_REASON, labelOf } from '../format/labels';
import { formatCount } from '../format/numbers';
import { ProblemMessage } from '../components/problem-message';
import { useSession } from '../session/session-context';

/**
 * What a launch would send (recipients, exclusions, parts, credits) and
 * the launch itself, now or at a time of this computer's clock.
 */
export function CampaignPreviewPanel(props: {
  campaignId: string;
  onLaunch(at: string | null): Promise<void>;
}) {
  const { api, shop } = useSession();
  const preview = useLoaded(
    () => api.campaignPreview(props.campaignId),
    [api, props.campaignId],
  );
  const [at, setAt] = useState('');
  const data = preview.data;
  if (preview.error) return <ProblemMessage error={preview.error} />;
  if (!data) return <p className="loading">Calcul de l'aperçu…</p>;
  const short = data.credits > shop.creditBalance;

  return (
    <div className="campaign-preview">
      <dl className="figures">
        <dt>Destinataires</dt>
        <dd>{formatCount(data.recipients)}</dd>
        {Object.entries(data.excluded).map(([reason, count]) => (
          <div key={reason} className="figure">
            <dt>Exclus {labelOf(EXCLUSION_REASON, reason)}</dt>
            <dd>{formatCount(count)}</dd>
          </div>
        ))}
        <dt>Parties SMS</dt>
        <dd>{formatCount(data.segments)}</dd>
        <dt>Crédits nécessaires</dt>
        <dd>{formatCount(data.credits)}</dd>
      </dl>
      {short && (
        <p role="alert" className="warning-box">
          Crédit SMS insuffisant : {formatCount(data.credits)} nécessaires,{' '}
          {formatCount(shop.creditBalance)} disponibles.
        </p>
      )}
      <div className="buttons">
        <button
          type="button"
          className="primary"
          onClick={() => props.onLaunch(null)}
        >
          Lancer maintenant
        </button>
        <label htmlFor={`at-${props.campaignId}`}>Programmer le</label>
        <input
          id={`at-${props.campaignId}`}
          type="datetime-local"
          value={at}
          onChange={(event) => setAt(event.target.value)}
        />
        <button
          type="button"
          disabled={!at}
          onClick={() => props.onLaunch(new Date(at).toISOString())}
        >
          Programmer
        </button>
      </div>
    </div>
  );
}
