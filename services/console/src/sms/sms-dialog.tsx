import { useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';
import type { Client, MessageKind, Template, Visit } from '../api/api-types';
import { Dialog } from '../components/dialog';
import { isSettling, MessageHistory } from '../components/message-history';
import { ProblemMessage } from '../components/problem-message';
import { ComposeFooter } from '../components/compose-footer';
import { formatCount } from '../format/numbers';
import { useInterval, useLoaded } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';
import { SmsTextField } from './sms-text-field';
import { useSmsPreview } from './use-sms-preview';
import { useSmsSend } from './use-sms-send';

/** The manual's warning when the credit cannot pay for the SMS. */
const INSUFFICIENT_CREDIT =
  'Attention, le crédit SMS est insuffisant : le SMS ne sera pas envoyé.';

/**
 * "Envoyer un SMS": the SMS already sent to the client on top, then
 * "Créer un SMS" with the credit left, the predefined messages, the text
 * with its menus and counter, RAZ, Envoyer and Fermer.
 */
export function SmsDialog(props: {
  client: Client;
  visit?: Visit;
  onClose(): void;
}) {
  const { shop } = useSession();
  const textArea = useRef<HTMLTextAreaElement>(null);
  const history = useSmsHistory(props.client.id);

  return (
    <Dialog
      title="Envoyer un SMS"
      onClose={props.onClose}
      initialFocus={textArea}
      wide
    >
      <MessageHistory
        caption="Historique des envois"
        channel="sms"
        messages={history.data?.items}
        timeZone={shop.timeZone}
      />
      <ConsentWarning client={props.client} />
      <SmsComposer {...props} textArea={textArea} onSent={history.reload} />
    </Dialog>
  );
}

/** "Créer un SMS": the credit left, the predefined messages, the text. */
function SmsComposer(props: {
  client: Client;
  visit?: Visit;
  textArea: RefObject<HTMLTextAreaElement | null>;
  onSent(): Promise<void>;
  onClose(): void;
}) {
  const { api, shop, salesperson, refreshShop } = useSession();
  const { client, visit, textArea } = props;
  const [text, setText] = useState('');
  const [kind, setKind] = useState<MessageKind>('transactional');
  const [notice, setNotice] = useState('');
  const draft = { text, kind, clientId: client.id, visitId: visit?.id };
  const live = useSmsPreview(api, draft);
  const sending = useSmsSend(live.check);

  const edit = (value: string, nextKind = kind) => {
    setText(value);
    setKind(nextKind);
    setNotice('');
    sending.clear();
  };
  const send = async () => {
    if (!(await sending.send(draft))) return;
    edit('', 'transactional');
    setNotice("SMS envoyé : son état s'affiche dans l'historique.");
    await Promise.all([props.onSent(), refreshShop()]);
  };
  const creditShort =
    sending.creditShort || live.preview?.enoughCredit === false;

  return (
    <form
      className="compose"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <div className="compose-head">
        <h3>Créer un SMS</h3>
        <p className="credit">
          Crédit SMS :{' '}
          {formatCount(live.preview?.balance ?? shop.creditBalance)}
        </p>
      </div>
      <div className="compose-body">
        <PredefinedMessages
          onChoose={(template: Template) => {
            edit(template.body, template.kind);
            textArea.current?.focus();
          }}
        />
        <SmsTextField
          id="sms-text"
          label="Contenu du message"
          areaRef={textArea}
          value={text}
          onChange={(value) => edit(value)}
          preview={live.preview}
          stale={live.stale}
          error={live.error}
        />
      </div>
      {creditShort && (
        <p role="alert" className="warning-box">
          {INSUFFICIENT_CREDIT}
        </p>
      )}
      <ComposeFooter
        error={sending.error}
        notice={notice}
        canSend={!sending.sending && text.trim() !== '' && !!salesperson}
        onReset={() => edit('', 'transactional')}
        onClose={props.onClose}
      />
    </form>
  );
}

/**
 * The client's SMS, polled while one is still on its way; the balance is
 * read again once they settle, as the worker debits it.
 */
function useSmsHistory(clientId: string) {
  const { api, refreshShop } = useSession();
  const history = useLoaded(
    () => api.messages({ clientId, channel: 'sms' }),
    [api, clientId],
  );
  const moving = history.data?.items.some(isSettling) ?? false;
  useInterval(history.reload, 1000, moving);
  useEffect(() => {
    if (!moving) void refreshShop();
  }, [moving, refreshShop]);
  return history;
}

/** "Messages prédéfinis: Vous pouvez modifier le message avant de l'envoyer." */
function PredefinedMessages(props: { onChoose(template: Template): void }) {
  const { api } = useSession();
  const templates = useLoaded(() => api.templates('sms'), [api]);
  return (
    <div className="predefined">
      <h4 id="sms-predefined">Messages prédéfinis</h4>
      <p className="hint">
        Vous pouvez modifier le message avant de l'envoyer.
      </p>
      <ul aria-labelledby="sms-predefined" className="choice-list">
        {templates.data?.items.map((template) => (
          <li key={template.id}>
            <button type="button" onClick={() => props.onChoose(template)}>
              {template.label}
            </button>
          </li>
        ))}
      </ul>
      <ProblemMessage error={templates.error} />
    </div>
  );
}

function ConsentWarning(props: { client: Client }) {
  const { client } = props;
  if (client.mobile && client.smsConsent) return null;
  return (
    <p role="note" className="warning-box">
      {client.mobile
        ? "Ce client n'a pas accepté de recevoir des SMS : l'envoi sera refusé."
        : "Ce client n'a pas de portable : l'envoi sera refusé."}
    </p>
  );
}
