import type { Contact, SmsPurpose, SmsType } from './send-request.schema';

/** A send the sandbox accepted and recorded. */
export interface SentMessage {
  /** The `sms_ticket` answered, also the receipts' `message_id`. */
  ticket: string;
  requestId: string | null;
  text: string;
  sender: string | null;
  type: SmsType;
  purpose: SmsPurpose;
  sendAt: string | null;
  withReplies: boolean;
  /** The recipients accepted, in the order sent. */
  recipients: Contact[];
  /** Numbers refused as incorrect; they get no receipt. */
  rejectedNumbers: string[];
  segments: number;
  smsNeeded: number;
  totalCost: number;
  /** ISO 8601, from the sandbox clock. */
  receivedAt: string;
}

/** Filters of `GET /_sandbox/messages`; both must match when both given. */
export interface MessageFilter {
  requestId?: string;
  number?: string;
}

/**
 * Accepted sends in memory, indexed by request_id and by number so that
 * lookups stay cheap over a run of 100,000 messages.
 */
export class MessageStore {
  private all: SentMessage[] = [];
  private byRequestId = new Map<string, SentMessage[]>();
  private byNumber = new Map<string, SentMessage[]>();

  add(message: SentMessage): void {
    this.all.push(message);

    if (message.requestId !== null) {
      appendTo(this.byRequestId, message.requestId, message);
    }

    for (const number of uniqueNumbers(message)) {
      appendTo(this.byNumber, number, message);
    }
  }

  find(filter: MessageFilter = {}): SentMessage[] {
    const { requestId, number } = filter;

    if (requestId !== undefined) {
      const sameRequest = this.byRequestId.get(requestId) ?? [];

      if (number === undefined) return [...sameRequest];

      return sameRequest.filter((m) => uniqueNumbers(m).has(number));
    }

    if (number !== undefined) return [...(this.byNumber.get(number) ?? [])];

    return [...this.all];
  }

  /** The most recent send with this request_id, if any. */
  lastWithRequestId(requestId: string): SentMessage | undefined {
    return this.byRequestId.get(requestId)?.at(-1);
  }

  /** The most recent send to this number, if any. */
  lastTo(number: string): SentMessage | undefined {
    return this.byNumber.get(number)?.at(-1);
  }

  get size(): number {
    return this.all.length;
  }

  clear(): void {
    this.all = [];
    this.byRequestId = new Map();
    this.byNumber = new Map();
  }
}

function appendTo(
  index: Map<string, SentMessage[]>,
  key: string,
  message: SentMessage,
): void {
  const list = index.get(key);

  if (list) list.push(message);
  else index.set(key, [message]);
}

function uniqueNumbers(message: SentMessage): Set<string> {
  return new Set(message.recipients.map((r) => r.phone_number));
}
