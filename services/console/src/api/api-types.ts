/** The shapes of the `/v1` answers the console reads (only what it uses). */

export type Role = 'staff' | 'manager' | 'admin';
export type Channel = 'sms' | 'email';
export type MessageKind = 'transactional' | 'marketing';

export interface ApiKeyInfo {
  id: string;
  shopId: string | null;
  role: Role;
  prefix: string;
  label: string;
}

export interface SendingWindow {
  days: number[];
  start: string;
  end: string;
  excludeHolidays: boolean;
}

export interface Shop {
  id: string;
  name: string;
  timeZone: string;
  miniSiteUrl: string | null;
  smsSender: string | null;
  smsHeader: string | null;
  smsSignature: string | null;
  smsStopMention: string | null;
  smsTransliterate: boolean;
  sendingWindow: SendingWindow | null;
  creditBalance: number;
}

export interface Client {
  id: string;
  civility: string | null;
  lastName: string;
  firstName: string | null;
  mobile: string | null;
  email: string | null;
  smsConsent: boolean;
  emailConsent: boolean;
}

export interface ChannelConsent {
  granted: boolean;
  since: string | null;
  source: string | null;
  actor: string | null;
  address: string | null;
  suppressed: boolean;
}

export interface ConsentState {
  sms: ChannelConsent;
  email: ChannelConsent;
}

export interface Visit {
  id: string;
  kind: 'glasses' | 'contact_lenses' | 'repair';
  visitDate: string;
  status: string;
}

export interface DocumentInfo {
  id: string;
  visitId: string | null;
  type: string;
  name: string;
  sizeBytes: number;
  createdAt: string;
}

export interface Attachment {
  documentId: string;
  name: string;
}

export interface Message {
  id: string;
  channel: Channel;
  recipient: string | null;
  salesperson: string;
  subject: string | null;
  text: string;
  status: string;
  reason: string | null;
  attachments: Attachment[];
  timestamps: { queuedAt: string; sentAt: string | null };
}

export interface Template {
  id: string;
  channel: Channel;
  label: string;
  subject: string | null;
  body: string;
  kind: MessageKind;
}

interface SmsFigures {
  characters: number;
  encoding: 'GSM-7' | 'UCS-2';
  units: number;
  segments: number;
  credits: number;
}

export interface SmsPreview extends SmsFigures {
  text: string;
  unicodeCharacters: { char: string; index: number }[];
  transliterated: SmsFigures & { text: string };
  balance: number;
  enoughCredit: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface LedgerEntry {
  id: number;
  kind: string;
  amount: number;
  messageId: string | null;
  campaignId: string | null;
  note: string | null;
  createdAt: string;
}

export interface Audience {
  all?: boolean;
  lensRenewalWithinDays?: number;
  readyNotTold?: boolean;
  noVisitForMonths?: number;
}

export interface Campaign {
  id: string;
  name: string;
  channel: Channel;
  status: string;
  recipients: number;
  scheduledAt: string | null;
  launchedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  progress?: {
    counts: Record<string, number>;
    total: number;
    final: number;
    ratePerSecond: number;
    estimatedEnd: string | null;
  };
  credits?: { reserved: number; released: number; spent: number };
}

export interface CampaignPreview {
  recipients: number;
  excluded: Record<string, number>;
  segments: number;
  credits: number;
}

export interface EmailSettings {
  fromAddress: string | null;
  fromName: string | null;
  smtp: {
    host: string;
    port: number;
    tlsMode: 'tls' | 'starttls' | 'none';
    user: string | null;
    passwordSet: boolean;
  } | null;
  copy: { policy: 'none' | 'cc' | 'bcc'; address: string | null };
}

/** `POST …/email/settings/verify`: the failure's fields only when it failed. */
export interface SmtpCheck {
  ok: boolean;
  /** The SMTP command that failed, `CONN` before any. */
  stage?: string;
  errorCode?: string;
  /** The server's reply code, when it answered. */
  smtpCode?: number;
  /** The server's or the network's own words. */
  message?: string;
}
