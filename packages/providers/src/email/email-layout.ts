import mjml2html from 'mjml';
import { convert } from 'html-to-text';
import { escapeHtml } from './email-body-sanitizer';

/** What the layout puts around a body. Plain values are escaped here. */
export interface LayoutParts {
  /** The subject as sent, shown as the document title. */
  subject: string;
  /** Sanitised body HTML with merge values already escaped. */
  bodyHtml: string;
  shop: {
    name: string;
    /** The shop's mini-site, linked in the footer when http(s). */
    miniSiteUrl?: string | null;
    /** The address clients can write to, shown in the footer. */
    contactAddress?: string | null;
  };
  /** Marketing e-mails only: the footer then offers to unsubscribe. */
  unsubscribeUrl?: string | null;
}

export interface RenderedLayout {
  html: string;
  text: string;
}

const SLOT = /%%(TITLE|SHOP|BODY|FOOTER)%%/g;

const LAYOUT = `<mjml lang="fr">
  <mj-head>
    <mj-title>%%TITLE%%</mj-title>
    <mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="#ffffff" padding="16px 24px 0">
      <mj-column><mj-text font-size="18px" font-weight="bold">%%SHOP%%</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="0 24px 16px">
      <mj-column><mj-text font-size="14px" line-height="1.5">%%BODY%%</mj-text></mj-column>
    </mj-section>
    <mj-section padding="8px 24px">
      <mj-column><mj-text font-size="11px" color="#777777">%%FOOTER%%</mj-text></mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

/**
 * The shop's e-mail layout: a header with the shop's name, the body, and a
 * footer with its details (and, for marketing, the unsubscribe link). MJML
 * compiles once per process (it is slow); each message only fills the
 * compiled HTML's slots, in one pass, so text in one slot can never be
 * taken for another slot.
 */
export class EmailLayout {
  private compiled: Promise<string> | null = null;

  async render(parts: LayoutParts): Promise<RenderedLayout> {
    const template = await this.compile();
    const slots: Record<string, string> = {
      TITLE: escapeHtml(parts.subject),
      SHOP: escapeHtml(parts.shop.name),
      BODY: parts.bodyHtml,
      FOOTER: footerHtml(parts),
    };
    const html = template.replace(SLOT, (_token, name: string) => slots[name]!);
    return { html, text: textOf(parts) };
  }

  private compile(): Promise<string> {
    this.compiled ??= Promise.resolve(
      mjml2html(LAYOUT, { validationLevel: 'strict' }),
    ).then((result) => result.html);
    return this.compiled;
  }
}

function footerHtml(parts: LayoutParts): string {
  const { shop } = parts;
  const lines = [`<strong>${escapeHtml(shop.name)}</strong>`];
  if (shop.miniSiteUrl && /^https?:\/\//i.test(shop.miniSiteUrl)) {
    lines.push(link(shop.miniSiteUrl, shop.miniSiteUrl));
  }
  if (shop.contactAddress) {
    lines.push(escapeHtml(shop.contactAddress));
  }
  if (parts.unsubscribeUrl) {
    lines.push(
      '',
      `Vous recevez cet e-mail car vous avez accepté les informations de ${escapeHtml(shop.name)}. ` +
        link(parts.unsubscribeUrl, 'Se désabonner'),
    );
  }
  return lines.join('<br>');
}

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

/** The plain-text part: what the HTML says, links written out. */
function textOf(parts: LayoutParts): string {
  return plainTextOf(
    [
      `<p>${escapeHtml(parts.shop.name)}</p>`,
      parts.bodyHtml,
      `<p>${footerHtml(parts)}</p>`,
    ].join(''),
  );
}

/**
 * HTML as plain text for an e-mail's text part: paragraphs and line
 * breaks kept, links written out after their text, images left out.
 */
export function plainTextOf(html: string, wordwrap: number | false = 78) {
  return convert(html, {
    wordwrap,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}
