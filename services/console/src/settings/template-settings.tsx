import { useState } from 'react';
import type { ApiError } from '../api/api-error';
import type { Channel, Template } from '../api/api-types';
import type { TemplateInput } from '../api/shop-api';
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
  const [error, setError] = useState<ApiError | null>(null);

  const act = async (step: () => Promise<Template | null>) => {
    try {
      setSelected(await step());
      setError(null);
      await templates.reload();
    } catch (caught) {
      setError(asApiError(caught));
    }
  };
  const save = (input: TemplateInput) =>
    act(() =>
      selected
        ? api.updateTemplate(selected.id, input)
        : api.createTemplate({ ...input, channel }),
    );
  const remove = () =>
    act(async () => {
      if (selected) await api.deleteTemplate(selected.id);
      return null;
    });

  return (
    <div className="card template-settings">
      <h2>{TITLES[channel]}</h2>
      <div className="split">
        <TemplateList
          channel={channel}
          templates={templates.data?.items}
          selected={selected}
          onSelect={setSelected}
        />
        <div className="buttons vertical">
          <button type="button" onClick={() => setSelected(null)}>
            Nouveau
          </button>
          <button type="button" disabled={!selected} onClick={remove}>
            Supprimer
          </button>
        </div>
      </div>
      <ProblemMessage error={error} />
      <TemplateForm
        key={selected?.id ?? 'new'}
        channel={channel}
        template={selected}
        onSave={save}
      />
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
