import { useRef, useState } from 'react';
import type { ApiError } from '../api/api-error';
import type { Client, DocumentInfo, Template, Visit } from '../api/api-types';
import { RetryKey } from '../api/retry-key';
import { ProblemMessage } from '../components/problem-message';
import { ComposeFooter } from '../components/compose-footer';
import { clientName } from '../clients/client-name';
import { asApiError, useLoaded } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';
import { AvailableDocuments, DocumentTable } from './document-tables';
import { RichTextEditor } from './rich-text-editor';

/**
 * The "Email" tab: recipient, subject, predefined e-mails, the rich-text
 * body, the documents to attach (double click, or "Ajouter..." for another
 * file), RAZ, Envoyer, Fermer.
 */
export function EmailComposer(props: {
  client: Client;
  visit?: Visit;
  onSent(): Promise<void>;
  onClose(): void;
}) {
  const { client, visit } = props;
  const editor = useRef<HTMLDivElement>(null);
  const [subject, setSubject] = useState('');
  const [attachments, setAttachments] = useState<DocumentInfo[]>([]);
  const sending = useEmailSend(client, visit);

  const choose = (template: Template) => {
    setSubject(template.subject ?? '');
    if (editor.current) editor.current.innerHTML = template.body;
  };
  const reset = () => {
    setSubject('');
    setAttachments([]);
    if (editor.current) editor.current.innerHTML = '';
  };
  const submit = async () => {
    const body = editor.current?.innerHTML ?? '';
    if (!(await sending.send({ subject, body, attachments }))) return;
    reset();
    await props.onSent();
  };

  return (
    <form
      className="compose"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Recipient client={client} />
      <div className="inline-field">
        <label htmlFor="email-subject">Objet</label>
        <input
          id="email-subject"
          required
          maxLength={255}
          value={subject}
          onChange={(event) => setSubject(event.target.value)}
        />
      </div>
      <PredefinedEmails onChoose={choose} />
      <RichTextEditor editorRef={editor} label="Corps de l'email" />
      <AttachmentsPicker
        client={client}
        visit={visit}
        attachments={attachments}
        onChange={setAttachments}
      />
      <ComposeFooter
        error={sending.error}
        notice={sending.notice}
        canSend={!sending.busy}
        onReset={reset}
        onClose={props.onClose}
      />
    </form>
  );
}

/**
 * "Documents disponibles" (double click to attach), "Pièces jointes" and
 * "Ajouter...", which stores another file as a document of the client.
 */
function AttachmentsPicker(props: {
  client: Client;
  visit?: Visit;
  attachments: DocumentInfo[];
  onChange(attachments: DocumentInfo[]): void;
}) {
  const { attachments, onChange } = props;
  const [uploads, setUploads] = useState(0);
  const attach = (document: DocumentInfo) => {
    if (!attachments.some((d) => d.id === document.id))
      onChange([...attachments, document]);
  };

  return (
    <div className="attachments-row">
      <AvailableDocuments
        clientId={props.client.id}
        visit={props.visit}
        onAttach={attach}
        refreshKey={uploads}
      />
      <fieldset className="documents">
        <legend>Pièces jointes</legend>
        <DocumentTable
          caption="Pièces jointes"
          documents={attachments}
          onRemove={(document) =>
            onChange(attachments.filter((d) => d.id !== document.id))
          }
        />
        <AddFile
          client={props.client}
          visit={props.visit}
          onAdded={(document) => {
            attach(document);
            setUploads((n) => n + 1);
          }}
        />
      </fieldset>
    </div>
  );
}

function Recipient(props: { client: Client }) {
  const { client } = props;
  return (
    <dl className="fields recipient">
      <dt>Destinataire</dt>
      <dd>{clientName(client)}</dd>
      <dt>Adresse(s)</dt>
      <dd>{client.email ?? "aucune : l'envoi sera refusé"}</dd>
    </dl>
  );
}

/** "Email type": Libellé, Objet, Type; a choice fills the subject and body. */
function PredefinedEmails(props: { onChoose(template: Template): void }) {
  const { api } = useSession();
  const templates = useLoaded(() => api.templates('email'), [api]);
  return (
    <div className="table-scroll predefined-emails">
      <table>
        <caption>Email type</caption>
        <thead>
          <tr>
            <th scope="col">Libellé</th>
            <th scope="col">Objet</th>
            <th scope="col">Type</th>
          </tr>
        </thead>
        <tbody>
          {templates.data?.items.map((template) => (
            <tr key={template.id}>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => props.onChoose(template)}
                >
                  {template.label}
                </button>
              </td>
              <td>{template.subject}</td>
              <td>Client</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Ajouter...": any other file, stored as a document of the client (and visit). */
function AddFile(props: {
  client: Client;
  visit?: Visit;
  onAdded(document: DocumentInfo): void;
}) {
  const { api } = useSession();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    try {
      props.onAdded(
        await api.uploadDocument(file, {
          clientId: props.client.id,
          visitId: props.visit?.id,
        }),
      );
      setError(null);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      if (input.current) input.current.value = '';
    }
  };

  return (
    <div>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Fichier à joindre"
        onChange={(event) => void upload(event.target.files?.[0])}
      />
      <button type="button" onClick={() => input.current?.click()}>
        Ajouter...
      </button>
      <ProblemMessage error={error} />
    </div>
  );
}

/** Sends with one idempotency key per request, and says how it went. */
function useEmailSend(client: Client, visit?: Visit) {
  const { api, salesperson } = useSession();
  const retryKey = useRef(new RetryKey());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');

  const send = async (draft: {
    subject: string;
    body: string;
    attachments: DocumentInfo[];
  }): Promise<boolean> => {
    setBusy(true);
    setNotice('');
    const request = {
      channel: 'email' as const,
      clientId: client.id,
      subject: draft.subject,
      body: draft.body,
      salesperson,
      visitId: visit?.id,
      documentIds: draft.attachments.map((d) => d.id),
    };
    try {
      await retryKey.current.run(request, (key) => api.send(request, key));
      setError(null);
      setNotice(
        "Email envoyé : son état s'affiche dans l'historique des envois.",
      );
      return true;
    } catch (caught) {
      setError(asApiError(caught));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { send, busy, error, notice };
}
