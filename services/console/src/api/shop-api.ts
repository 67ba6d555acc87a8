import type { ApiClient } from './api-client';
import type {
  Audience,
  Campaign,
  CampaignPreview,
  Channel,
  Client,
  ConsentState,
  DocumentInfo,
  EmailSettings,
  LedgerEntry,
  Message,
  MessageKind,
  Page,
  Shop,
  SmsPreview,
  SmtpCheck,
  Template,
  Visit,
} from './api-types';

/** What a send asks for: `POST …/messages`. */
export interface SendRequest {
  channel: Channel;
  clientId: string;
  body: string;
  subject?: string;
  kind?: MessageKind;
  salesperson: string;
  visitId?: string;
  documentIds?: string[];
}

/** A template as the settings screen writes it. */
export interface TemplateInput {
  channel?: Channel;
  label: string;
  subject?: string;
  body: string;
  kind: MessageKind;
}

/** The routes of one shop, under `/v1/shops/:shopId`. */
export class ShopApi {
  private readonly base: string;

  constructor(
    private readonly api: ApiClient,
    readonly shopId: string,
  ) {
    this.base = `/v1/shops/${encodeURIComponent(shopId)}`;
  }

  shop(): Promise<Shop> {
    return this.api.get(this.base);
  }

  searchClients(q: string): Promise<Page<Client>> {
    return this.api.get(`${this.base}/clients`, { q, limit: 50 });
  }

  client(id: string): Promise<Client> {
    return this.api.get(`${this.base}/clients/${id}`);
  }

  consent(clientId: string): Promise<ConsentState> {
    return this.api.get(`${this.base}/clients/${clientId}/consent`);
  }

  visits(clientId: string): Promise<Page<Visit>> {
    return this.api.get(`${this.base}/clients/${clientId}/visits`);
  }

  clientDocuments(clientId: string): Promise<Page<DocumentInfo>> {
    return this.api.get(`${this.base}/clients/${clientId}/documents`);
  }

  visitDocuments(visitId: string): Promise<Page<DocumentInfo>> {
    return this.api.get(`${this.base}/visits/${visitId}/documents`);
  }

  uploadDocument(
    file: File,
    owner: { clientId: string; visitId?: string },
  ): Promise<DocumentInfo> {
    const form = new FormData();
    form.append('clientId', owner.clientId);
    if (owner.visitId) form.append('visitId', owner.visitId);
    form.append('file', file, file.name);
    return this.api.upload(`${this.base}/documents`, form);
  }

  messages(filter: {
    clientId?: string;
    channel?: Channel;
  }): Promise<Page<Message>> {
    return this.api.get(`${this.base}/messages`, { ...filter, limit: 50 });
  }

  /** The same `Idempotency-Key` makes a retried request one send. */
  send(request: SendRequest, idempotencyKey: string): Promise<Message> {
    return this.api.post(`${this.base}/messages`, request, {
      'Idempotency-Key': idempotencyKey,
    });
  }

  templates(channel?: Channel): Promise<Page<Template>> {
    return this.api.get(`${this.base}/templates`, { channel });
  }

  createTemplate(input: TemplateInput): Promise<Template> {
    return this.api.post(`${this.base}/templates`, input);
  }

  updateTemplate(id: string, input: TemplateInput): Promise<Template> {
    const { channel: _channel, ...changes } = input;
    return this.api.patch(`${this.base}/templates/${id}`, changes);
  }

  deleteTemplate(id: string): Promise<void> {
    return this.api.delete(`${this.base}/templates/${id}`);
  }

  smsPreview(request: {
    text: string;
    clientId?: string;
    visitId?: string;
    kind?: MessageKind;
  }): Promise<SmsPreview> {
    return this.api.post(`${this.base}/sms/preview`, request);
  }

  updateSmsSettings(changes: Record<string, unknown>): Promise<Shop> {
    return this.api.patch(`${this.base}/sms/settings`, changes);
  }

  emailSettings(): Promise<EmailSettings> {
    return this.api.get(`${this.base}/email/settings`);
  }

  updateEmailSettings(
    changes: Record<string, unknown>,
  ): Promise<EmailSettings> {
    return this.api.patch(`${this.base}/email/settings`, changes);
  }

  verifySmtp(smtp?: Record<string, unknown>): Promise<SmtpCheck> {
    return this.api.post(
      `${this.base}/email/settings/verify`,
      smtp ? { smtp } : {},
    );
  }

  ledger(): Promise<Page<LedgerEntry> & { balance: number }> {
    return this.api.get(`${this.base}/credit/ledger`, { limit: 100 });
  }

  recordPurchase(credits: number, note: string): Promise<{ balance: number }> {
    return this.api.post(`${this.base}/credit/purchases`, {
      credits,
      ...(note ? { note } : {}),
    });
  }

  campaigns(): Promise<Page<Campaign>> {
    return this.api.get(`${this.base}/campaigns`);
  }

  campaign(id: string): Promise<Campaign> {
    return this.api.get(`${this.base}/campaigns/${id}`);
  }

  createCampaign(input: {
    name: string;
    templateId: string;
    audience: Audience;
  }): Promise<Campaign> {
    return this.api.post(`${this.base}/campaigns`, input);
  }

  campaignPreview(id: string): Promise<CampaignPreview> {
    return this.api.get(`${this.base}/campaigns/${id}/preview`);
  }

  launchCampaign(
    id: string,
    at: string | null,
    idempotencyKey: string,
  ): Promise<Campaign> {
    return this.api.post(
      `${this.base}/campaigns/${id}/launch`,
      at ? { at } : {},
      { 'Idempotency-Key': idempotencyKey },
    );
  }

  /** Pause, resume and cancel answer the campaign; a retry also counts. */
  campaignAction(
    id: string,
    action: 'pause' | 'resume' | 'cancel' | 'retry-failed',
  ): Promise<Campaign | { retried: number; campaign: Campaign }> {
    return this.api.post(`${this.base}/campaigns/${id}/${action}`);
  }
}
