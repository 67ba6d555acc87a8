import { useState } from 'react';
import type { Client, Visit } from '../api/api-types';
import { Dialog } from '../components/dialog';
import { isSettling, MessageHistory } from '../components/message-history';
import { tabPanelProps, Tabs } from '../components/tabs';
import { useInterval, useLoaded } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';
import { EmailComposer } from './email-composer';

const TABS = [
  { id: 'compose', label: 'Email' },
  { id: 'history', label: 'Historique des envois' },
] as const;

type Tab = (typeof TABS)[number]['id'];

/** "Envoyer un email": the "Email" tab to write, and the history tab. */
export function EmailDialog(props: {
  client: Client;
  visit?: Visit;
  onClose(): void;
}) {
  const { api, shop } = useSession();
  const [tab, setTab] = useState<Tab>('compose');
  const history = useLoaded(
    () => api.messages({ clientId: props.client.id, channel: 'email' }),
    [api, props.client.id],
  );
  useInterval(
    history.reload,
    1000,
    history.data?.items.some(isSettling) ?? false,
  );

  return (
    <Dialog title="Envoyer un email" onClose={props.onClose} wide>
      <Tabs<Tab>
        label="Email"
        tabs={TABS}
        current={tab}
        onChange={setTab}
        idPrefix="email"
      />
      <div {...tabPanelProps('email', 'compose')} hidden={tab !== 'compose'}>
        <EmailComposer
          client={props.client}
          visit={props.visit}
          onSent={history.reload}
          onClose={props.onClose}
        />
      </div>
      <div {...tabPanelProps('email', 'history')} hidden={tab !== 'history'}>
        <MessageHistory
          caption="Historique des envois"
          channel="email"
          messages={history.data?.items}
          timeZone={shop.timeZone}
        />
      </div>
    </Dialog>
  );
}
