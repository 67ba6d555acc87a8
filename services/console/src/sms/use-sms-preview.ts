import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/api-error';
import type { MessageKind, Shop, SmsPreview } from '../api/api-types';
import type { ShopApi } from '../api/shop-api';
import { asApiError } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';

export interface SmsDraft {
  text: string;
  kind: MessageKind;
  /** Without a client, merge fields stay as their `%name` tokens. */
  clientId?: string;
  visitId?: string;
}

// Typing pauses longer than this ask the server again.
const DEBOUNCE_MS = 250;

/**
 * The server's own figures for the SMS being typed (`POST …/sms/preview`):
 * header, signature, STOP mention and merge fields included, so the
 * counter and the credit check match what the worker will charge.
 */
export function useSmsPreview(api: ShopApi, draft: SmsDraft) {
  const answer = useLastAnswer();
  const latest = useRef(0);
  const { text, kind, clientId, visitId } = draft;
  // The server composes the SMS with these: ask again when Paramétrage
  // changes them, though the text stayed the same.
  const settings = smsSettingsOf(useSession().shop);
  const { answered, refused, cleared } = answer;

  useEffect(() => {
    const request = ++latest.current;
    if (text.trim() === '') return cleared();
    const timer = window.setTimeout(async () => {
      try {
        const figures = await api.smsPreview({ text, kind, clientId, visitId });
        if (request === latest.current) answered(text, figures);
      } catch (caught) {
        if (request === latest.current) refused(text, caught);
      }
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [
    api,
    text,
    kind,
    clientId,
    visitId,
    settings,
    answered,
    refused,
    cleared,
  ]);

  const current = latest.current;
  return {
    preview: answer.preview,
    error: answer.error,
    /** The text changed since the last answer about it. */
    stale: text.trim() !== '' && answer.text !== text,
    /**
     * Asks now, without waiting for the pause (before a send). A refusal
     * is shown under the text, as a typed one is, and rethrown.
     */
    check: () =>
      api.smsPreview({ text, kind, clientId, visitId }).then(
        (figures) => {
          if (current === latest.current) answered(text, figures);
          return figures;
        },
        (caught: unknown) => {
          if (current === latest.current) refused(text, caught);
          throw caught;
        },
      ),
  };
}

/**
 * The server's last answer and the text it was about: figures, or a
 * refusal, which leaves no figures (the counter says so until the next
 * edit is answered).
 */
function useLastAnswer() {
  const [state, setState] = useState<{
    text: string;
    preview: SmsPreview | null;
    error: ApiError | null;
  }>({ text: '', preview: null, error: null });

  const answered = useCallback(
    (text: string, preview: SmsPreview) =>
      setState({ text, preview, error: null }),
    [],
  );
  const refused = useCallback(
    (text: string, caught: unknown) =>
      setState({ text, preview: null, error: asApiError(caught) }),
    [],
  );
  const cleared = useCallback(
    () => setState({ text: '', preview: null, error: null }),
    [],
  );
  return { ...state, answered, refused, cleared };
}

/** What of the shop goes into an SMS, as one comparable value. */
function smsSettingsOf(shop: Shop): string {
  return JSON.stringify([
    shop.name,
    shop.smsHeader,
    shop.smsSignature,
    shop.smsStopMention,
    shop.miniSiteUrl,
    shop.smsTransliterate,
  ]);
}
