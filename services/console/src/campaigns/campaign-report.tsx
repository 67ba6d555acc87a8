import type { Campaign } from '../api/api-types';
import { formatDateTime } from '../format/dates';
import { labelOf, MESSAGE_STATUS } from '../format/labels';
import { formatCount, formatRate } from '../format/numbers';
import { useSession } from '../session/session-context';

/** The report: messages by state, rate, credits, and when it ran. */
export function CampaignReport(props: { campaign: Campaign }) {
  const { shop } = useSession();
  const { campaign } = props;
  const progress = campaign.progress;
  const credits = campaign.credits;

  return (
    <dl className="figures report">
      {Object.entries(progress?.counts ?? {}).map(([status, count]) => (
        <div key={status} className="figure">
          <dt>{labelOf(MESSAGE_STATUS, status)}</dt>
          <dd data-status={status}>{formatCount(count)}</dd>
        </div>
      ))}
      {progress && progress.ratePerSecond > 0 && (
        <div className="figure">
          <dt>Débit</dt>
          <dd>{formatRate(progress.ratePerSecond)} / s</dd>
        </div>
      )}
      {credits && (
        <>
          <dt>Crédits réservés</dt>
          <dd>{formatCount(credits.reserved)}</dd>
          <dt>Crédits utilisés</dt>
          <dd>{formatCount(credits.spent)}</dd>
          <dt>Crédits rendus</dt>
          <dd>{formatCount(credits.released)}</dd>
        </>
      )}
      {campaign.launchedAt && (
        <>
          <dt>Lancée le</dt>
          <dd>{formatDateTime(campaign.launchedAt, shop.timeZone)}</dd>
        </>
      )}
      {campaign.finishedAt && (
        <>
          <dt>Terminée le</dt>
          <dd>{formatDateTime(campaign.finishedAt, shop.timeZone)}</dd>
        </>
      )}
    </dl>
  );
}
