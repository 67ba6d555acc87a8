import {
  composeSms,
  renderMergeFields,
  transliterateToGsm,
} from '@optic/domain';
import type { MergeValues } from '@optic/domain';
import type { Client, Shop, Visit } from '@optic/db';

export interface SmsRenderInput {
  /** The raw text: a predefined message or what staff typed. */
  body: string;
  kind: 'transactional' | 'marketing';
  shop: Shop;
  /** Null leaves the client's fields as their `%name` tokens (preview). */
  client: Client | null;
  visit: Visit | null;
}

/**
 * The exact text an SMS will carry: header, body, signature and (marketing)
 * STOP mention, merge fields filled in the shop's time zone, then, if the
 * shop asks for it, transliterated to stay in GSM-7. Used by the worker to
 * send and charge, and by the preview to show the same figures.
 */
export function renderSmsText(input: SmsRenderInput): string {
  const { shop } = input;
  const composed = composeSms({
    body: input.body,
    header: shop.smsHeader ?? undefined,
    signature: shop.smsSignature ?? undefined,
    stopMention: shop.smsStopMention ?? undefined,
    kind: input.kind,
  });
  const text = renderMergeFields(
    composed,
    mergeValuesFor(shop, input.client, input.visit),
    {
      keepMissing: input.client === null,
    },
  );
  return shop.smsTransliterate ? transliterateToGsm(text) : text;
}

/** The values of the manual's merge fields for one client and visit. */
export function mergeValuesFor(
  shop: Shop,
  client: Client | null,
  visit: Visit | null,
): MergeValues {
  const shopValues = {
    magasin: shop.name,
    stopsms: shop.smsStopMention ?? '',
    minisite: shop.miniSiteUrl ?? '',
    timeZone: shop.timeZone,
  };
  if (!client) return shopValues;
  return {
    ...shopValues,
    civilite: client.civility ?? '',
    nom: client.lastName,
    prenom: client.firstName ?? '',
    // A visit date is a calendar day; noon UTC is that day in every French zone.
    datevisite: visit ? new Date(`${visit.visitDate}T12:00:00Z`) : null,
  };
}
