import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { ApiError } from '../api/api-error';
import type { Channel, Template } from '../api/api-types';
import type { TemplateInput } from '../api/shop-api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ProblemMessage } from '../components/problem-message';
import { asApiError, useLoaded } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';
import { TemplateForm } from './template-form';

const TITLES = { sms: 'Messages prédéfinis', email: 'Emails types' };

/**
 * The predefined messages of one channel: the list (Libellé, Contenu),
 * "Nouveau", "Supprimer", and the form of the one selected.
 */
export function TemplateSettings(props: { channel: Channel }) {
  const { api } = useSession();
  const { channel } = props;
  const templates = useLoaded(() => api.templates(channel), [api, channel]);
  const [selected, setSelected] = useState<Template | null>(null);
  // A new blank form each time "Nouveau" is pressed, with the focus in it.
  const [blankForm, setBlankForm] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const act = async (step: () => Promise<Template | null>, done: string) => {
    try {
      setSelected(await step());
      setError(null);
      setSaved(done);
      await templates.reload();
    } catch (caught) {
      setError(asApiError(caught));
      setSaved(null);
    }
  };
  const save = (input: TemplateInput) =>
    act(
      () =>
        selected
          ? api.updateTemplate(selected.id, input)
          : api.createTemplate({ ...input, channel }),
      `« ${input.label} » est enregistré.`,
    );
  const remove = (template: Template) =>
    act(async () => {
      await api.deleteTemplate(template.id);
      return null;
    }, `« ${template.label} » est supprimé.`);
  const show = (template: Template | null) => {
    setSelected(template);
    setSaved(null);
    if (!template) setBlankForm((count) => count + 1);
  };

  return (
    <div className="card template-settings">
      <h2>{TITLES[channel]}</h2>
      <div className="split">
        <TemplateList
          channel={channel}
          templates={templates.data?.items}
          selected={selected}
          onSelect={show}
        />
        <TemplateButtons
          selected={selected}
          onNew={() => show(null)}
          onDelete={remove}
        />
      </div>
      <ProblemMessage error={error} />
      {saved && (
        <p role="status" className="notice">
          {saved}
        </p>
      )}
      <TemplateForm
        key={selected?.id ?? `new-${blankForm}`}
        channel={channel}
        template={selected}
        focusLabel={!selected && blankForm > 0}
        onSave={save}
      />
    </div>
  );
}

/** "Nouveau", and "Supprimer", which asks first. */
function TemplateButtons(props: {
  selected: Template | null;
  onNew(): void;
  onDelete(template: Template): Promise<void>;
}) {
  const { selected } = props;
  const [confirming, setConfirming] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);

  const remove = async (template: Template) => {
    await props.onDelete(template);
    // "Supprimer" is now disabled: the focus goes to "Nouveau" instead,
    // once the dialog is gone (the page behind it is inert until then).
    flushSync(() => setConfirming(false));
    newButton.current?.focus();
  };

  return (
    <div className="buttons vertical">
      <button type="button" ref={newButton} onClick={props.onNew}>
        Nouveau
      </button>
      <button
        type="button"
        disabled={!selected}
        onClick={() => setConfirming(true)}
      >
        Supprimer
      </button>
      {confirming && selected && (
        <ConfirmDialog
          title={`Supprimer « ${selected.label} » ?`}
          confirmLabel="Supprimer"
          cancelLabel="Garder"
          onConfirm={() => remove(selected)}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Le message prédéfini ne sera plus proposé à l'envoi. Les messages
            déjà envoyés restent dans l'historique.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function TemplateList(props: {
  channel: Channel;
  templates?: Template[];
  selected: Template | null;
  onSelect(template: Template): void;
}) {
  const sms = props.channel === 'sms';
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">{TITLES[props.channel]}</caption>
        <thead>
          <tr>
            <th scope="col">Libellé</th>
            <th scope="col">{sms ? 'Contenu' : 'Objet'}</th>
          </tr>
        </thead>
        <tbody>
          {props.templates?.map((template) => (
            <tr
              key={template.id}
              aria-selected={template.id === props.selected?.id}
              className={
                template.id === props.selected?.id ? 'selected' : undefined
              }
            >
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => props.onSelect(template)}
                >
                  {template.label}
                </button>
              </td>
              <td className="history-text">
                {sms ? template.body : template.subject}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
