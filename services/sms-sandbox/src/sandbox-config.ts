import { z } from 'zod';

/** Statuses documented for the delivery receipt callback. */
export const RECEIPT_STATUSES = [
  'ACK',
  'DELIVERED',
  'NOT_DELIVERED',
  'NOT_ALLOWED',
  'UNKNOWN_DELIVERY',
  'BAD_DESTINATION',
  'BLACKLISTED_NUMBER',
  'UNDEFINED',
] as const;

export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

const webhookUrl = z.url({ protocol: /^https?$/ }).nullable();

const receiptSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  delayMs: z.number().int().min(0),
  status: z.enum(RECEIPT_STATUSES),
  webhookUrl,
});

/** Everything the control API can switch; `PUT /_sandbox/config` merges. */
export const sandboxConfigPatchSchema = z.strictObject({
  latencyMs: z.number().int().min(0).optional(),
  invalidNumbers: z.array(z.string()).optional(),
  receipts: receiptSettingsSchema.partial().optional(),
  repliesUrl: webhookUrl.optional(),
  stopUrl: webhookUrl.optional(),
  credit: z.number().min(0).nullable().optional(),
});

export type ReceiptSettings = z.infer<typeof receiptSettingsSchema>;
export type SandboxConfigPatch = z.infer<typeof sandboxConfigPatchSchema>;

/** The sandbox's switches and faults. */
export interface SandboxConfig {
  /** Delay before every send request is answered. @defaultValue 0 */
  latencyMs: number;
  /** Numbers refused as incorrect (code 117 when none is left). @defaultValue [] */
  invalidNumbers: string[];
  /** Delivery receipts. @defaultValue disabled, 200 ms, DELIVERED, no URL */
  receipts: ReceiptSettings;
  /** Where inbound replies are posted. @defaultValue null */
  repliesUrl: string | null;
  /** Where STOP replies are posted. @defaultValue null */
  stopUrl: string | null;
  /** Remaining credit in euros; null for unlimited. @defaultValue null */
  credit: number | null;
}

/**
 * The configuration a sandbox starts with and returns to on reset. Treat it
 * as read-only: the sandbox only ever copies it.
 */
export const DEFAULT_SANDBOX_CONFIG: Readonly<SandboxConfig> = Object.freeze({
  latencyMs: 0,
  invalidNumbers: [],
  receipts: Object.freeze<ReceiptSettings>({
    enabled: false,
    delayMs: 200,
    status: 'DELIVERED',
    webhookUrl: null,
  }),
  repliesUrl: null,
  stopUrl: null,
  credit: null,
});

/** Returns a new configuration with the patch merged into `base`. */
export function mergeSandboxConfig(
  base: SandboxConfig,
  patch: SandboxConfigPatch,
): SandboxConfig {
  const defined = withoutUndefined(patch);

  return {
    ...base,
    ...defined,
    invalidNumbers: [...(defined.invalidNumbers ?? base.invalidNumbers)],
    receipts: { ...base.receipts, ...withoutUndefined(patch.receipts ?? {}) },
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);

  return Object.fromEntries(entries) as Partial<T>;
}
