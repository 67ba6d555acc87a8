import type { SmsPreview } from '../api/api-types';
import { smsCounterText } from './sms-counter-text';

const EMPTY = { encoding: 'GSM-7', units: 0, segments: 0 } as const;

const REFUSED = 'Comptage impossible : corrigez le texte (voir ci-dessous).';

/**
 * The live counter under the text: `82 caractère(s) / 160 : 1 sms sera
 * envoyé`, the SMS as it will leave (header, signature, merge fields) with
 * the characters that force Unicode marked, and what transliteration saves.
 * The figures are the server's, for the whole SMS as sent and charged.
 */
export function SmsCounter(props: {
  id: string;
  preview: SmsPreview | null;
  stale: boolean;
  /** The server refused the text: no figures until the next edit. */
  refused: boolean;
}) {
  const { preview } = props;
  return (
    <div className="sms-counter" aria-busy={props.stale}>
      <p id={props.id} className="counter-line" aria-live="polite">
        {counterLine(props)}
      </p>
      {preview && (
        <p className="sms-final">
          <span className="sms-final-label">Aperçu du SMS : </span>
          {highlighted(preview)}
        </p>
      )}
      {preview && preview.unicodeCharacters.length > 0 && (
        <UnicodeNotice preview={preview} />
      )}
    </div>
  );
}

function counterLine(props: {
  preview: SmsPreview | null;
  stale: boolean;
  refused: boolean;
}): string {
  if (props.stale && !props.preview) return 'Calcul…';
  if (props.refused && !props.stale) return REFUSED;
  return smsCounterText(props.preview ?? EMPTY);
}

function UnicodeNotice(props: { preview: SmsPreview }) {
  const { preview } = props;
  const distinct = [...new Set(preview.unicodeCharacters.map((u) => u.char))];
  const saved = preview.transliterated.segments < preview.segments;
  return (
    <div className="unicode-notice">
      <p>
        Caractères qui imposent l'Unicode (70 caractères par SMS au lieu de 160)
        :{' '}
        {distinct.map((char) => (
          <mark key={char} className="unicode-char">
            {char}
          </mark>
        ))}
      </p>
      {saved && (
        <p>
          Sans ces caractères (translittération, dans Paramétrage) :{' '}
          {smsCounterText(preview.transliterated)}.
        </p>
      )}
    </div>
  );
}

/** The final text with each Unicode-forcing character in a mark. */
function highlighted(preview: SmsPreview) {
  const marked = new Set(preview.unicodeCharacters.map((u) => u.index));
  // Positions are counted in code points, as Array.from splits.
  return Array.from(preview.text).map((char, index) =>
    marked.has(index) ? (
      <mark key={index} className="unicode-char">
        {char}
      </mark>
    ) : (
      char
    ),
  );
}
