import type { Campaign } from '../api/api-types';

/**
 * How far a campaign is, in whole percent of its messages in a final
 * state. Its audience is still being fanned out while it runs, so only a
 * completed campaign shows 100 %.
 */
export function campaignPercent(campaign: Campaign): number {
  if (campaign.status === 'completed') return 100;
  const progress = campaign.progress;
  const target = Math.max(campaign.recipients, progress?.total ?? 0);
  if (!progress || target === 0) return 0;
  return Math.min(99, Math.floor((100 * progress.final) / target));
}

/**
 * Still moving: the screen keeps asking for its progress. A paused or
 * cancelled campaign still has the sends already handed to the provider
 * to settle, and its report follows them.
 */
export function isActive(campaign: Campaign): boolean {
  if (campaign.status === 'running' || campaign.status === 'scheduled')
    return true;
  return (campaign.progress?.counts.sending ?? 0) > 0;
}

/** Messages that "Relancer les échecs" would send again. */
export function failedCount(campaign: Campaign): number {
  const counts = campaign.progress?.counts ?? {};
  return (counts.failed ?? 0) + (counts.rejected ?? 0);
}
