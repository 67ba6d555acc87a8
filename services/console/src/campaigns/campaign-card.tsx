import { useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/api-error';
import type { Campaign } from '../api/api-types';
import { RetryKey } from '../api/retry-key';
import { ProblemMessage } from '../components/problem-message';
import { ProgressBar } from '../components/progress-bar';
import { formatDateTime } from '../format/dates';
import { CAMPAIGN_STATUS, labelOf } from '../format/labels';
import { asApiError, useInterval } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';
import { CampaignPreviewPanel } from './campaign-preview-panel';
import { CampaignReport } from './campaign-report';
import { campaignPercent, isActive } from './campaign-progress';

type Action = 'pause' | 'resume' | 'cancel' | 'retry-failed';

const ACTIONS: { action: Action; label: string; when: string[] }[] = [
  { action: 'pause', label: 'Pause', when: ['running', 'scheduled'] },
  { action: 'resume', label: 'Reprendre', when: ['paused'] },
  {
    action: 'cancel',
    label: 'Annuler',
    when: ['running', 'scheduled', 'paused'],
  },
  { action: 'retry-failed', label: 'Relancer les échecs', when: ['completed'] },
];

/** One campaign: its preview and launch while a draft, then its progress. */
export function CampaignCard(props: { initial: Campaign }) {
  const { api, shop, refreshShop } = useSession();
  const [campaign, setCampaign] = useState(props.initial);
  const [error, setError] = useState<ApiError | null>(null);
  const retryKey = useRef(new RetryKey());

  const reload = async () => setCampaign(await api.campaign(campaign.id));
  // The list has no progress: a launched campaign reads its own view.
  useEffect(() => {
    if (props.initial.status !== 'draft')
      void api.campaign(props.initial.id).then(setCampaign, () => undefined);
  }, [api, props.initial]);
  useInterval(
    () => void reload().catch(() => undefined),
    1000,
    isActive(campaign),
  );

  const run = async (step: () => Promise<unknown>) => {
    try {
      await step();
      setError(null);
      await Promise.all([reload(), refreshShop()]);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };
  const launch = (at: string | null) =>
    run(() =>
      retryKey.current.run({ at }, (key) =>
        api.launchCampaign(campaign.id, at, key),
      ),
    );
  const titleId = `campaign-${campaign.id}`;

  return (
    <article className="card campaign" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {campaign.name}{' '}
        <span className="badge" data-status={campaign.status}>
          {labelOf(CAMPAIGN_STATUS, campaign.status)}
        </span>
      </h2>
      <p className="meta">
        {campaign.channel === 'sms' ? 'SMS' : 'Email'} · créée le{' '}
        {formatDateTime(campaign.createdAt, shop.timeZone)}
        {campaign.scheduledAt &&
          ` · programmée le ${formatDateTime(campaign.scheduledAt, shop.timeZone)}`}
      </p>
      {campaign.status === 'draft' ? (
        <CampaignPreviewPanel campaignId={campaign.id} onLaunch={launch} />
      ) : (
        <>
          <ProgressBar
            label={`Progression de ${campaign.name}`}
            percent={campaignPercent(campaign)}
          />
          <div className="buttons">
            {ACTIONS.filter((a) => a.when.includes(campaign.status)).map(
              (a) => (
                <button
                  key={a.action}
                  type="button"
                  onClick={() =>
                    run(() => api.campaignAction(campaign.id, a.action))
                  }
                >
                  {a.label}
                </button>
              ),
            )}
          </div>
          <CampaignReport campaign={campaign} />
        </>
      )}
      <ProblemMessage error={error} />
    </article>
  );
}
