import mjml2html from 'mjml';
import { convert } from 'html-to-text';

export interface LayoutParts {
  /** Sanitised body HTML with merge values already escaped. */
  bodyHtml: string;
  shopName: string;
  /** Escaped lines under the shop's name in the footer. */
  footerLines: string[];
}

const BODY = '%%BODY%%';
const SHOP = '%%SHOP%%';
const FOOTER = '%%FOOTER%%';

const LAYOUT = `<mjml>
  <mj-head>
    <mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f4f4">
    <mj-section background-color="#ffffff" padding="16px 24px 0">
      <mj-column><mj-text font-size="18px" font-weight="bold">${SHOP}</mj-text></mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="0 24px 16px">
      <mj-column><mj-text font-size="14px" line-height="1.5">${BODY}</mj-text></mj-column>
    </mj-section>
    <mj-section padding="8px 24px">
      <mj-column><mj-text font-size="11px" color="#777777">${FOOTER}</mj-text></mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

/**
 * The shop's e-mail layout. MJML compiles once per process (it is slow);
 * each message only fills the compiled HTML's slots.
 */
export class EmailLayout {
  private compiled: Promise<string> | null = null;

  async render(parts: LayoutParts): Promise<{ html: string; text: string }> {
    const template = await this.compile();
    const html = template
      .replace(SHOP, () => parts.shopName)
      .replace(BODY, () => parts.bodyHtml)
      .replace(FOOTER, () => parts.footerLines.join('<br>'));
    return { html, text: htmlToText(parts) };
  }

  private compile(): Promise<string> {
    this.compiled ??= Promise.resolve(
      mjml2html(LAYOUT, { validationLevel: 'strict' }),
    ).then((result) => result.html);
    return this.compiled;
  }
}

function htmlToText(parts: LayoutParts): string {
  const html = [
    `<p>${parts.shopName}</p>`,
    parts.bodyHtml,
    `<p>${parts.footerLines.join('<br>')}</p>`,
  ].join('');
  return convert(html, {
    wordwrap: 78,
    selectors: [{ selector: 'img', format: 'skip' }],
  });
}
