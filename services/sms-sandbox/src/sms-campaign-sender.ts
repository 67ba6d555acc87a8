import type { Clock, Logger } from '@optic/domain';

import type { MessageStore, SentMessage } from './message-store';
import type { OctopushReturnCode } from './octopush-return-codes';
import { isInternationalNumber } from './phone-format';
import type { ReceiptDispatcher } from './receipt-dispatcher';
import type { SandboxSettings } from './sandbox-settings';
import { roundMoney } from './sandbox-settings';
import { octopushRefusal } from './send-outcome';
import type { SendOutcome } from './send-outcome';
import { parseSendRequest } from './send-request.schema';
import type { Contact, SendRequest, SmsType } from './send-request.schema';
import { countSmsSegments } from './sms-segment-counter';
import { SmsTicketIssuer } from './sms-ticket-issuer';

/** Euros per SMS segment; sandbox figures, not Octopush's price list. */
export const SMS_PRICES: Readonly<Record<SmsType, number>> = {
  sms_premium: 0.045,
  sms_low_cost: 0.035,
};

/** `residual_credit` answered while the credit is unlimited. */
export const UNLIMITED_RESIDUAL_CREDIT = 1_000_000;

const REQUEST_ID_LIFETIME_MS = 24 * 60 * 60 * 1000;

// Case-sensitive, as documented for code 121.
const STOP_MENTION = /STOP au \d+/;

/** The success body of the send endpoint. */
export interface SendSuccessBody {
  sms_ticket: string;
  number_of_contacts: number;
  number_of_sms_needed: number;
  residual_credit: number;
  total_cost: number;
}

export interface SmsCampaignSenderDeps {
  settings: SandboxSettings;
  store: MessageStore;
  receipts: ReceiptDispatcher;
  clock: Clock;
  logger: Logger;
}

interface Quote {
  accepted: Contact[];
  rejectedNumbers: string[];
  segments: number;
  smsNeeded: number;
  totalCost: number;
}

/** Validates a send as Octopush does, then records it and its receipts. */
export class SmsCampaignSender {
  private readonly tickets = new SmsTicketIssuer();

  constructor(private readonly deps: SmsCampaignSenderDeps) {}

  send(body: unknown): SendOutcome {
    const parsed = parseSendRequest(body);

    if (!parsed.ok) return octopushRefusal(parsed.code);

    const { request } = parsed;
    const quote = this.quote(request);
    const refusal = this.refusalFor(request, quote);

    if (refusal !== null) return octopushRefusal(refusal);

    const ticket = this.tickets.next();

    // A simulation answers the same way but leaves no trace.
    if (request.simulation_mode !== true) this.accept(request, quote, ticket);

    return this.success(ticket, quote);
  }

  private refusalFor(
    request: SendRequest,
    quote: Quote,
  ): OctopushReturnCode | null {
    if (this.isDuplicate(request.request_id)) return 120;
    if (lacksStopMention(request)) return 121;
    if (quote.accepted.length === 0) return 117;
    if (!this.deps.settings.canAfford(quote.totalCost)) return 104;

    return null;
  }

  private isDuplicate(requestId: string | undefined): boolean {
    if (requestId === undefined) return false;

    const previous = this.deps.store.lastWithRequestId(requestId);

    if (previous === undefined) return false;

    const ageMs =
      this.deps.clock.now().getTime() - Date.parse(previous.receivedAt);

    return ageMs < REQUEST_ID_LIFETIME_MS;
  }

  private quote(request: SendRequest): Quote {
    const accepted: Contact[] = [];
    const rejectedNumbers: string[] = [];

    for (const contact of request.recipients) {
      if (this.isCorrectNumber(contact.phone_number)) accepted.push(contact);
      else rejectedNumbers.push(contact.phone_number);
    }

    const segments = countSmsSegments(request.text);
    const smsNeeded = segments * accepted.length;
    const totalCost = roundMoney(smsNeeded * SMS_PRICES[request.type]);

    return { accepted, rejectedNumbers, segments, smsNeeded, totalCost };
  }

  private isCorrectNumber(number: string): boolean {
    return (
      isInternationalNumber(number) &&
      !this.deps.settings.isInvalidNumber(number)
    );
  }

  private accept(request: SendRequest, quote: Quote, ticket: string): void {
    const message = this.record(request, quote, ticket);

    this.deps.settings.debit(quote.totalCost);
    this.deps.receipts.schedule(message, this.deps.settings.receipts);
    this.deps.logger.debug('send accepted', {
      messageId: ticket,
      channel: 'sms',
      contacts: quote.accepted.length,
    });
  }

  private record(
    request: SendRequest,
    quote: Quote,
    ticket: string,
  ): SentMessage {
    const message: SentMessage = {
      ticket,
      requestId: request.request_id ?? null,
      text: request.text,
      sender: request.sender ?? null,
      type: request.type,
      purpose: request.purpose,
      sendAt: request.send_at ?? null,
      withReplies: request.with_replies ?? false,
      recipients: quote.accepted,
      rejectedNumbers: quote.rejectedNumbers,
      segments: quote.segments,
      smsNeeded: quote.smsNeeded,
      totalCost: quote.totalCost,
      receivedAt: this.deps.clock.now().toISOString(),
    };

    this.deps.store.add(message);

    return message;
  }

  private success(ticket: string, quote: Quote): SendOutcome {
    const body: SendSuccessBody = {
      sms_ticket: ticket,
      number_of_contacts: quote.accepted.length,
      number_of_sms_needed: quote.smsNeeded,
      residual_credit: this.residualCredit(),
      total_cost: quote.totalCost,
    };

    return { httpStatus: 200, body, statKey: null };
  }

  private residualCredit(): number {
    return this.deps.settings.credit ?? UNLIMITED_RESIDUAL_CREDIT;
  }
}

function lacksStopMention(request: SendRequest): boolean {
  return (
    request.type === 'sms_premium' &&
    request.purpose === 'wholesale' &&
    !STOP_MENTION.test(request.text)
  );
}
