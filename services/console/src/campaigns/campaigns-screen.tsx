import { useSession } from '../session/session-context';
import { useLoaded } from '../hooks/use-loaded';
import { ProblemMessage } from '../components/problem-message';
import { CampaignCard } from './campaign-card';
import { NewCampaignForm } from './new-campaign-form';

/** Campaigns: build an audience, preview, launch or schedule, follow. */
export function CampaignsScreen() {
  const { api } = useSession();
  const campaigns = useLoaded(() => api.campaigns(), [api]);

  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">Campagnes</h1>
      <NewCampaignForm onCreated={campaigns.reload} />
      <ProblemMessage error={campaigns.error} />
      <ul className="campaign-list" aria-label="Campagnes du magasin">
        {campaigns.data?.items.map((campaign) => (
          <li key={campaign.id}>
            <CampaignCard initial={campaign} />
          </li>
        ))}
      </ul>
    </section>
  );
}
