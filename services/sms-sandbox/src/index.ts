export { createSmsSandbox } from './sms-sandbox';
export type { SmsSandbox, SmsSandboxOptions } from './sms-sandbox';
export type { SandboxControl } from './sandbox-control.route';
export { DEFAULT_SANDBOX_CONFIG, RECEIPT_STATUSES } from './sandbox-config';
export type {
  ReceiptSettings,
  ReceiptStatus,
  SandboxConfig,
  SandboxConfigPatch,
} from './sandbox-config';
export type { ScriptedResponse } from './fault-script';
export type { MessageFilter, SentMessage } from './message-store';
export type { SandboxStatsSnapshot } from './sandbox-stats';
export type {
  InboundReply,
  InboundResult,
  ReplyPayload,
  StopPayload,
} from './inbound-forwarder';
export type { ReceiptPayload } from './receipt-dispatcher';
export type { SendSuccessBody } from './sms-campaign-sender';
export { SMS_PRICES, UNLIMITED_RESIDUAL_CREDIT } from './sms-campaign-sender';
export { OCTOPUSH_RETURN_CODES } from './octopush-return-codes';
export type {
  OctopushErrorBody,
  OctopushReturnCode,
} from './octopush-return-codes';
export { SEND_SMS_PATH } from './send-sms.route';
export { CONTROL_PREFIX } from './sandbox-control.route';
export { countSmsSegments } from './sms-segment-counter';
