import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { Channel, MessageKind, Template } from '../api/api-types';
import type { TemplateInput } from '../api/shop-api';
import { RichTextEditor } from '../email/rich-text-editor';
import { useSession } from '../session/session-context';
import { SmsTextField } from '../sms/sms-text-field';
import { useSmsPreview } from '../sms/use-sms-preview';
import { FRENCH_WINDOW, windowSummary } from './sending-window';

/** "Libellé", "Type", then the message (SMS) or subject and body (e-mail). */
export function TemplateForm(props: {
  channel: Channel;
  template: Template | null;
  /** Put the caret in "Libellé" (a form just opened with "Nouveau"). */
  focusLabel: boolean;
  onSave(input: TemplateInput): Promise<void>;
}) {
  const { template, channel } = props;
  const [label, setLabel] = useState(template?.label ?? '');
  const [subject, setSubject] = useState(template?.subject ?? '');
  const [body, setBody] = useState(template?.body ?? '');
  const [kind, setKind] = useState(template?.kind ?? 'transactional');
  const editor = useRef<HTMLDivElement>(null);
  const id = (name: string) => `${channel}-template-${name}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const email = channel === 'email';
    await props.onSave({
      label,
      kind,
      body: email ? (editor.current?.innerHTML ?? '') : body,
      ...(email ? { subject } : {}),
    });
  };

  return (
    <form className="template-form" onSubmit={submit}>
      <h3>{template ? `Modifier « ${template.label} »` : 'Nouveau message'}</h3>
      <div className="form-grid">
        <label htmlFor={id('label')}>Libellé</label>
        <input
          id={id('label')}
          required
          maxLength={100}
          autoFocus={props.focusLabel}
          value={label}
          onChange={(event) => setLabel(event.target.value)}
        />
        {channel === 'email' && (
          <>
            <label htmlFor={id('subject')}>Objet</label>
            <input
              id={id('subject')}
              required
              maxLength={255}
              value={subject}
              onChange={(event) => setSubject(event.target.value)}
            />
          </>
        )}
        <KindSelect id={id('kind')} value={kind} onChange={setKind} />
      </div>
      {channel === 'sms' ? (
        <SmsBody id={id('body')} value={body} kind={kind} onChange={setBody} />
      ) : (
        <RichTextEditor
          editorRef={editor}
          label="Corps de l'email"
          initialHtml={template?.body}
        />
      )}
      <button type="submit" className="primary">
        Enregistrer
      </button>
    </form>
  );
}

function KindSelect(props: {
  id: string;
  value: MessageKind;
  onChange(kind: MessageKind): void;
}) {
  return (
    <>
      <label htmlFor={props.id}>Type</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value as MessageKind)}
      >
        <option value="transactional">Information (sans mention STOP)</option>
        <option value="marketing">
          Commercial (mention STOP, horaires d'envoi)
        </option>
      </select>
    </>
  );
}

/** The message with its menus; counted without a client (fields as typed). */
function SmsBody(props: {
  id: string;
  value: string;
  kind: MessageKind;
  onChange(value: string): void;
}) {
  const { api, shop } = useSession();
  const area = useRef<HTMLTextAreaElement>(null);
  const live = useSmsPreview(api, { text: props.value, kind: props.kind });
  return (
    <>
      <SmsTextField
        id={props.id}
        label="Message"
        areaRef={area}
        value={props.value}
        onChange={props.onChange}
        preview={live.preview}
        stale={live.stale}
        error={live.error}
      />
      {props.kind === 'marketing' && (
        <p className="hint">
          {windowSummary(shop.sendingWindow ?? FRENCH_WINDOW)}
        </p>
      )}
    </>
  );
}
