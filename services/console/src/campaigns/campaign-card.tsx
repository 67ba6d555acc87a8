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
import { CampaignActions } from './campaign-actions';
import type { CampaignAction } from './campaign-actions';
import { CampaignPreviewPanel } from './campaign-preview-panel';
import { CampaignReport } from './campaign-report';
import { campaignPercent, isActive } from './campaign-progress';

/** One campaign: its preview and launch while a draft, then its progress. */
export function CampaignCard(props: { initial: Campaign }) {
  const { api, shop, refreshShop } = useSession();
  const [campaign, setCampaign] = useState(props.initial);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
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

  const run = async (step: () => Promise<string | null>) => {
    try {
      setNotice(await step());
      setError(null);
      await Promise.all([reload(), refreshShop()]);
    } catch (caught) {
      setError(asApiError(caught));
      setNotice(null);
    }
  };
  const act = (action: CampaignAction) =>
    run(async () => {
      const answer = await api.campaignAction(campaign.id, action);
      return 'retried' in answer
        ? `${answer.retried} message(s) relancé(s).`
        : null;
    });
  const launch = (at: string | null) =>
    run(async () => {
      await retryKey.current.run({ at }, (key) =>
        api.launchCampaign(campaign.id, at, key),
      );
      return null;
    });
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
          {campaign.status !== 'cancelled' && (
            <ProgressBar
              label={`Progression de ${campaign.name}`}
              percent={campaignPercent(campaign)}
            />
          )}
          <CampaignActions campaign={campaign} onAction={act} />
          <CampaignReport campaign={campaign} />
        </>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <ProblemMessage error={error} />
    </article>
  );
}
