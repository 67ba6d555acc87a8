import { useEffect, useRef, useState } from 'react';
import type { Campaign } from '../api/api-types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { failedCount } from './campaign-progress';

export type CampaignAction = 'pause' | 'resume' | 'cancel' | 'retry-failed';

const BUTTONS: {
  action: CampaignAction;
  label: string;
  offered(campaign: Campaign): boolean;
}[] = [
  {
    action: 'pause',
    label: 'Pause',
    offered: (c) => ['running', 'scheduled'].includes(c.status),
  },
  {
    action: 'resume',
    label: 'Reprendre',
    offered: (c) => c.status === 'paused',
  },
  {
    action: 'retry-failed',
    label: 'Relancer les échecs',
    // What the API retries: failed and rejected messages of a campaign
    // not cancelled; the button shows only when there are some.
    offered: (c) =>
      ['running', 'paused', 'completed'].includes(c.status) &&
      failedCount(c) > 0,
  },
  {
    action: 'cancel',
    label: 'Annuler la campagne',
    offered: (c) => ['running', 'scheduled', 'paused'].includes(c.status),
  },
];

/**
 * The buttons a campaign's state allows; cancelling, which cannot be
 * undone, asks first.
 */
export function CampaignActions(props: {
  campaign: Campaign;
  onAction(action: CampaignAction): Promise<void>;
}) {
  const { campaign } = props;
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const group = useRef<HTMLDivElement>(null);
  const pressed = useRef(false);
  const failed = failedCount(campaign);

  // The button pressed may be gone with the state it was for (Pause
  // becomes Reprendre): the keyboard keeps its place in this card instead
  // of going back to the top of the page.
  useEffect(() => {
    if (!pressed.current || document.activeElement !== document.body) return;
    pressed.current = false;
    group.current?.focus();
  }, [campaign.status, failed, confirming]);

  const run = async (action: CampaignAction) => {
    setBusy(true);
    try {
      await props.onAction(action);
    } finally {
      setBusy(false);
    }
  };
  const click = (action: CampaignAction) => {
    pressed.current = true;
    return action === 'cancel' ? setConfirming(true) : run(action);
  };

  return (
    <div
      className="buttons"
      role="group"
      aria-label={`Actions sur ${campaign.name}`}
      tabIndex={-1}
      ref={group}
    >
      {BUTTONS.filter((b) => b.offered(campaign)).map((b) => (
        <button
          key={b.action}
          type="button"
          disabled={busy}
          onClick={() => void click(b.action)}
        >
          {b.label}
        </button>
      ))}
      {confirming && (
        <ConfirmDialog
          title={`Annuler « ${campaign.name} » ?`}
          confirmLabel="Annuler la campagne"
          cancelLabel="Continuer la campagne"
          onConfirm={async () => {
            await run('cancel');
            setConfirming(false);
          }}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Les messages qui ne sont pas encore partis ne partiront pas, et
            leurs crédits reviennent au solde. Ceux déjà envoyés restent
            envoyés.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
