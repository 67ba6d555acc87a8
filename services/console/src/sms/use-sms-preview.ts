import { useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/api-error';
import type { MessageKind, SmsPreview } from '../api/api-types';
import type { ShopApi } from '../api/shop-api';
import { asApiError } from '../hooks/use-loaded';

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
  }, [api, text, kind, clientId, visitId]);

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
