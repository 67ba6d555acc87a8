import { useRef, useState } from 'react';
import type { ApiError } from '../api/api-error';
import type { MessageKind, SmsPreview } from '../api/api-types';
import { RetryKey } from '../api/retry-key';
import { asApiError } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';

export interface SmsSendDraft {
  text: string;
  kind: MessageKind;
  clientId: string;
  visitId?: string;
}

/**
 * Envoyer: checks the credit against this very text first (the manual's
 * warning, and nothing sent, when it is short), then sends with an
 * idempotency key.
 */
export function useSmsSend(check: () => Promise<SmsPreview>) {
  const { api, salesperson } = useSession();
  const retryKey = useRef(new RetryKey());
  const [sending, setSending] = useState(false);
  const [creditShort, setCreditShort] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const send = async (draft: SmsSendDraft): Promise<boolean> => {
    setSending(true);
    setError(null);
    try {
      // A refused text is already explained under it, by the counter's check.
      const checked = await check().catch(() => null);
      if (!checked) return false;
      if (!checked.enoughCredit) {
        setCreditShort(true);
        return false;
      }
      const request = {
        channel: 'sms' as const,
        clientId: draft.clientId,
        visitId: draft.visitId,
        body: draft.text,
        kind: draft.kind,
        salesperson,
      };
      await retryKey.current.run(request, (key) => api.send(request, key));
      return true;
    } catch (caught) {
      setError(asApiError(caught));
      return false;
    } finally {
      setSending(false);
    }
  };

  const clear = () => {
    setCreditShort(false);
    setError(null);
  };
  return { send, sending, creditShort, error, clear };
}
