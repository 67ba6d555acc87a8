import { renderMergeFields } from '@optic/domain';
import type { MergeValues } from '@optic/domain';
import type { Client, Shop, Visit } from '@optic/db';
import { escapeHtml, plainTextOf, sanitizeEmailBody } from '@optic/providers';
import type { EmailLayout } from '@optic/providers';
import { mergeValuesFor } from './render-sms';

export interface EmailRenderInput {
  /** The rich-text body as saved: a predefined e-mail or what staff typed. */
  body: string;
  subject: string;
  shop: Shop;
  /** Null leaves the client's fields as their `%name` tokens (preview). */
  client: Client | null;
  visit: Visit | null;
  /** Marketing e-mails only: the link that withdraws consent. */
  unsubscribeUrl?: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * The e-mail as the client will get it: merge fields filled (HTML-escaped
 * in the body), the body sanitised before and after merging, placed in the
 * shop's MJML layout, with its plain-text part. Used by the worker to send
 * and by the preview to show the same thing.
 */
export async function renderEmail(
  layout: EmailLayout,
  input: EmailRenderInput,
): Promise<RenderedEmail> {
  const values = mergeValuesFor(input.shop, input.client, input.visit);
  const keepMissing = input.client === null;
  const subject = renderEmailSubject(input.subject, values, keepMissing);
  const bodyHtml = renderEmailBody(input.body, values, keepMissing);

  const { html, text } = await layout.render({
    subject,
    bodyHtml,
    shop: {
      name: input.shop.name,
      miniSiteUrl: input.shop.miniSiteUrl,
      contactAddress: input.shop.emailFromAddress,
    },
    unsubscribeUrl: input.unsubscribeUrl ?? null,
  });
  return { subject, html, text };
}

/**
 * A subject is one header line: merged values go in as typed (the header
 * encoding takes care of accents and emoji), line breaks become spaces.
 */
export function renderEmailSubject(
  subject: string,
  values: MergeValues,
  keepMissing = false,
): string {
  return renderMergeFields(subject, values, { keepMissing })
    .replace(/[\r\n\t]+/g, ' ')
    .trim();
}

/**
 * The body's HTML with merge values escaped. Sanitised again after the
 * merge, so no value can turn into markup, whatever attribute it lands in.
 */
export function renderEmailBody(
  body: string,
  values: MergeValues,
  keepMissing = false,
): string {
  const merged = renderMergeFields(sanitizeEmailBody(body), values, {
    escape: escapeHtml,
    keepMissing,
  });
  return sanitizeEmailBody(merged);
}

/** The body as plain text, kept in the history as what was sent. */
export function emailBodyText(bodyHtml: string): string {
  return plainTextOf(bodyHtml, false).trim();
}
