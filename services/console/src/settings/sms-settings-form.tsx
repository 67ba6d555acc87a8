import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiError } from '../api/api-error';
import type { SendingWindow, Shop } from '../api/api-types';
import { ProblemMessage } from '../components/problem-message';
import { fieldText } from '../format/problem-text';
import { asApiError } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';
import { DAYS, FRENCH_WINDOW } from './sending-window';

const TEXT_FIELDS = [
  {
    name: 'smsSender',
    label: "Personnalisation de l'émetteur",
    hint: '3 à 11 lettres ou chiffres, sans accent',
  },
  {
    name: 'smsHeader',
    label: 'En-tête des SMS',
    hint: 'ajouté au début de chaque SMS',
  },
  {
    name: 'smsSignature',
    label: 'Signature des SMS',
    hint: 'ajoutée à la fin de chaque SMS',
  },
  {
    name: 'smsStopMention',
    label: 'Mention STOP',
    hint: 'par exemple « STOP au 36180 », ajoutée aux SMS commerciaux',
  },
  {
    name: 'miniSiteUrl',
    label: 'Adresse du mini-site',
    hint: 'le champ %minisite',
  },
] as const;

type TextField = (typeof TEXT_FIELDS)[number]['name'];

// Their refusals show beside them, not again under the form.
const TEXT_FIELD_NAMES = TEXT_FIELDS.map((field) => field.name);

/** The shop's SMS sender, header, signature, STOP mention and window. */
export function SmsSettingsForm() {
  const { api, shop, refreshShop } = useSession();
  const [texts, setTexts] = useState(() => textsOf(shop));
  const [transliterate, setTransliterate] = useState(shop.smsTransliterate);
  const [sendingWindow, setSendingWindow] = useState(
    shop.sendingWindow ?? FRENCH_WINDOW,
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    try {
      await api.updateSmsSettings({
        ...nullWhenEmpty(texts),
        smsTransliterate: transliterate,
        sendingWindow,
      });
      await refreshShop();
      setError(null);
      setSaved(true);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };

  return (
    <form className="card" onSubmit={submit}>
      <h2>Paramétrage des SMS</h2>
      <div className="form-grid">
        {TEXT_FIELDS.map((field) => (
          <TextInput
            key={field.name}
            {...field}
            value={texts[field.name]}
            error={fieldText(error, field.name)}
            onChange={(value) => setTexts({ ...texts, [field.name]: value })}
          />
        ))}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={transliterate}
          onChange={(event) => setTransliterate(event.target.checked)}
        />
        Remplacer les caractères qui imposent l'Unicode (ç, œ, guillemets…) pour
        rester à 160 caractères par SMS
      </label>
      <WindowFieldset value={sendingWindow} onChange={setSendingWindow} />
      <ProblemMessage error={error} shownBeside={TEXT_FIELD_NAMES} />
      {saved && (
        <p role="status" className="notice">
          Paramètres enregistrés.
        </p>
      )}
      <button type="submit" className="primary">
        Enregistrer
      </button>
    </form>
  );
}

function TextInput(props: {
  name: string;
  label: string;
  hint: string;
  value: string;
  error?: string;
  onChange(value: string): void;
}) {
  const id = `sms-setting-${props.name}`;
  return (
    <>
      <label htmlFor={id}>{props.label}</label>
      <div>
        <input
          id={id}
          value={props.value}
          aria-describedby={`${id}-hint`}
          aria-invalid={props.error ? true : undefined}
          onChange={(event) => props.onChange(event.target.value)}
        />
        <small id={`${id}-hint`}>{props.error ?? props.hint}</small>
      </div>
    </>
  );
}

/** When commercial SMS may leave, in the shop's time zone. */
function WindowFieldset(props: {
  value: SendingWindow;
  onChange(value: SendingWindow): void;
}) {
  const { value } = props;
  const set = (change: Partial<SendingWindow>) =>
    props.onChange({ ...value, ...change });
  const toggleDay = (day: number, on: boolean) =>
    set({
      days: on
        ? [...value.days, day].sort((a, b) => a - b)
        : value.days.filter((d) => d !== day),
    });
  return (
    <fieldset className="window">
      <legend>Horaires d'envoi des SMS commerciaux</legend>
      {DAYS.map((label, index) => (
        <label key={label} className="check">
          <input
            type="checkbox"
            checked={value.days.includes(index + 1)}
            onChange={(event) => toggleDay(index + 1, event.target.checked)}
          />
          {label}
        </label>
      ))}
      <label>
        de{' '}
        <input
          type="time"
          value={value.start}
          onChange={(e) => set({ start: e.target.value })}
        />
      </label>
      <label>
        à{' '}
        <input
          type="time"
          value={value.end}
          onChange={(e) => set({ end: e.target.value })}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={value.excludeHolidays}
          onChange={(event) => set({ excludeHolidays: event.target.checked })}
        />
        Pas d'envoi les jours fériés
      </label>
    </fieldset>
  );
}

function textsOf(shop: Shop): Record<TextField, string> {
  return {
    smsSender: shop.smsSender ?? '',
    smsHeader: shop.smsHeader ?? '',
    smsSignature: shop.smsSignature ?? '',
    smsStopMention: shop.smsStopMention ?? '',
    miniSiteUrl: shop.miniSiteUrl ?? '',
  };
}

function nullWhenEmpty(texts: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(texts).map(([name, value]) => [name, value.trim() || null]),
  );
}
