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

/** Still moving: the screen keeps asking for its progress. */
export function isActive(campaign: Campaign): boolean {
  return campaign.status === 'running' || campaign.status === 'scheduled';
}
