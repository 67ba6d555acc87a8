import { useState } from 'react';
import { tabPanelProps, Tabs } from '../components/tabs';
import { EmailSettingsForm } from './email-settings-form';
import { SmsSettingsForm } from './sms-settings-form';
import { TemplateSettings } from './template-settings';

const TABS = [
  { id: 'sms', label: 'Envoi de SMS' },
  { id: 'email', label: 'Envoi de mails' },
] as const;

type Tab = (typeof TABS)[number]['id'];

/**
 * "Paramétrage": the predefined SMS and e-mails, the SMS sender, header,
 * signature and window, the e-mail sender, server and copy.
 */
export function SettingsScreen() {
  const [tab, setTab] = useState<Tab>('sms');
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Paramétrage</h1>
      <Tabs<Tab>
        label="Services"
        tabs={TABS}
        current={tab}
        onChange={setTab}
        idPrefix="settings"
      />
      <div {...tabPanelProps('settings', 'sms')} hidden={tab !== 'sms'}>
        <TemplateSettings channel="sms" />
        <SmsSettingsForm />
      </div>
      <div {...tabPanelProps('settings', 'email')} hidden={tab !== 'email'}>
        {tab === 'email' && (
          <>
            <TemplateSettings channel="email" />
            <EmailSettingsForm />
          </>
        )}
      </div>
    </section>
  );
}
