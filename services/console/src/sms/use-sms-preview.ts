import { useEffect, useRef, useState } from 'react';
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
  const [preview, setPreview] = useState<SmsPreview | null>(null);
  const [previewedText, setPreviewedText] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const latest = useRef(0);
  const { text, kind, clientId, visitId } = draft;
  // The server composes the SMS with these: ask again when Paramétrage
  // changes them, though the text stayed the same.
  const settings = smsSettingsOf(useSession().shop);

  useEffect(() => {
    const request = ++latest.current;
    if (text.trim() === '') {
      setPreview(null);
      setError(null);
      return;
    }
    const timer = window.setTimeout(async () => {
      try {
        const answer = await api.smsPreview({ text, kind, clientId, visitId });
        if (request === latest.current) {
          setPreview(answer);
          setPreviewedText(text);
          setError(null);
        }
      } catch (caught) {
        if (request === latest.current) setError(asApiError(caught));
      }
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [api, text, kind, clientId, visitId, settings]);

  const current = latest.current;
  return {
    preview,
    error,
    /** The text changed since the figures shown were computed. */
    stale: text.trim() !== '' && previewedText !== text,
    /** Asks now, without waiting for the pause (before a send). */
    check: () =>
      api.smsPreview({ text, kind, clientId, visitId }).then((answer) => {
        if (current === latest.current) setPreview(answer);
        return answer;
      }),
  };
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
