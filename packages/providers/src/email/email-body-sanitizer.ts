import sanitizeHtml from 'sanitize-html';

const LINK_SCHEMES = ['http', 'https', 'mailto'];
const IMAGE_SCHEMES = ['http', 'https'];

const COLOR = [
  /^#[0-9a-f]{3,8}$/i,
  /^rgba?\(\s*\d{1,3}%?\s*(,\s*\d{1,3}%?\s*){2}(,\s*(0|1|0?\.\d+)\s*)?\)$/i,
  /^[a-z]+$/i,
];

/**
 * What the console's rich-text editor may produce: fonts, colours, bold,
 * italic, underline, superscript, subscript, alignment, links and images by
 * URL. Anything else (scripts, handlers, `javascript:`, `data:`, external
 * CSS) goes. Style values are matched whole, so no `expression()`, `url()`
 * or CSS escape can ride along with an allowed property.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'div',
    'span',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'strike',
    'sup',
    'sub',
    'ul',
    'ol',
    'li',
    'a',
    'img',
    'font',
    'h1',
    'h2',
    'h3',
    'blockquote',
    'hr',
  ],
  allowedAttributes: {
    '*': ['style', 'align'],
    a: [
      'href',
      'title',
      { name: 'target', multiple: false, values: ['_blank'] },
      { name: 'rel', multiple: false, values: ['noopener noreferrer'] },
    ],
    img: ['src', 'alt', 'width', 'height'],
    font: ['face', 'color', 'size'],
  },
  allowedSchemes: LINK_SCHEMES,
  allowedSchemesByTag: { img: IMAGE_SCHEMES },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  allowedStyles: {
    '*': {
      color: COLOR,
      'background-color': COLOR,
      'text-align': [/^(left|right|center|justify)$/i],
      'font-family': [/^[\w\s,'"-]+$/],
      'font-size': [
        /^\d{1,3}(\.\d+)?(px|pt|em|rem|%)$/,
        /^(x{0,2}-)?(small|large)$/,
        /^medium$/,
      ],
      'font-weight': [/^(bold|normal|\d{3})$/],
      'font-style': [/^(italic|normal)$/],
      'text-decoration': [/^(underline|line-through|none)$/],
      'vertical-align': [/^(super|sub|baseline)$/],
      'line-height': [/^\d{1,2}(\.\d+)?(px|em|%)?$/],
      'margin-left': [/^\d{1,3}(px|em)$/],
    },
  },
  // Their text is code or markup, not words for the reader.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'title',
    'iframe',
    'object',
    'svg',
    'math',
    'template',
    'xmp',
    'noembed',
    'noframes',
  ],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: linkAttributes(attribs) }),
  },
};

/**
 * A link that opens a new window must not hand it our window, so `rel` is
 * ours to set. Any other `target` or `rel` goes here: left to the
 * allow-list, it came out as a bare attribute that a second pass dropped,
 * and sanitising twice gave two different bodies.
 */
function linkAttributes(attribs: sanitizeHtml.Attributes) {
  const others = Object.fromEntries(
    Object.entries(attribs).filter(
      ([name]) => name !== 'target' && name !== 'rel',
    ),
  );
  return attribs.target === '_blank'
    ? { ...others, target: '_blank', rel: 'noopener noreferrer' }
    : others;
}

/**
 * Cleans HTML written in the rich-text editor: keeps what the editor
 * produces and drops everything else, silently.
 *
 * @example sanitizeEmailBody('<p onclick="x()">Bonjour</p>') // '<p>Bonjour</p>'
 */
export function sanitizeEmailBody(html: string): string {
  // Dropping a tag the editor cannot make (`<p<p>`, say) can leave a <p> or
  // <li> inside another, which the next parser (a mail client's too) reads
  // as siblings; a second pass writes the body as it will be read, so
  // sanitising it again changes nothing.
  return sanitizeHtml(sanitizeHtml(html, OPTIONS), OPTIONS);
}

// Elements that run code, load other documents or change how the rest of
// the message is read: refused by name rather than silently dropped.
const FORBIDDEN_ELEMENTS = new Set([
  'script',
  'style',
  'link',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'base',
  'meta',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'template',
]);

const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'background',
  'poster',
  'srcset',
  'xlink:href',
  'lowsrc',
  'dynsrc',
  'cite',
  'data',
]);

/**
 * Lists what makes a body dangerous (not merely outside the editor's
 * range): scripts and other active elements, event handlers, links or
 * images with a scheme other than http(s) (or mailto for links), CSS
 * `expression()`, `url()` or bindings. An empty list means the body may be
 * saved (after {@link sanitizeEmailBody}). Entities, case and whitespace
 * are decoded first, as a browser would.
 *
 * @example findUnsafeHtml('<img src=x onerror=alert(1)>') // ['the event handler onerror']
 */
export function findUnsafeHtml(html: string): string[] {
  const problems = new Set<string>();
  sanitizeHtml(html, {
    // Only the tags are read here; the output is thrown away.
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    onOpenTag: (name, attribs) => {
      inspectTag(name.toLowerCase(), attribs, problems);
    },
  });
  return [...problems];
}

function inspectTag(
  name: string,
  attribs: Record<string, string>,
  problems: Set<string>,
): void {
  if (FORBIDDEN_ELEMENTS.has(name)) problems.add(`the <${name}> element`);

  for (const [rawKey, value] of Object.entries(attribs)) {
    const key = rawKey.toLowerCase();
    if (key.startsWith('on')) problems.add(`the event handler ${key}`);
    if (URL_ATTRIBUTES.has(key)) {
      const scheme = unsafeScheme(name, value);
      if (scheme) problems.add(`a ${scheme}: URL in ${key}`);
    }
    if (key === 'style' && unsafeCss(value)) {
      problems.add('CSS that loads or runs something (url, expression)');
    }
  }
}

function unsafeScheme(tag: string, url: string): string | null {
  // Browsers ignore control characters and whitespace inside a scheme.
  const cleaned = [...url].filter((c) => !isControlOrSpace(c)).join('');
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
  if (!match) return /^[/\\]{2}/.test(cleaned) ? 'protocol-relative' : null;

  const scheme = match[1]!.toLowerCase();
  const allowed = tag === 'img' ? IMAGE_SCHEMES : LINK_SCHEMES;
  return allowed.includes(scheme) ? null : scheme;
}

function isControlOrSpace(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code <= 0x20 || (code >= 0x7f && code <= 0x9f);
}

function unsafeCss(style: string): boolean {
  const decoded = style
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_m, hex: string) =>
      cssEscapedCharacter(hex),
    )
    .replace(/\\(.)/g, '$1')
    .replace(/\s+/g, '')
    .toLowerCase();
  return /expression\(|url\(|javascript:|vbscript:|behavior:|-moz-binding|@import/.test(
    decoded,
  );
}

// As CSS reads `\` and hex digits: zero, a surrogate or anything beyond
// Unicode is U+FFFD (six hex digits reach 0xFFFFFF, which would throw).
function cssEscapedCharacter(hex: string): string {
  const code = Number.parseInt(hex, 16);
  const isSurrogate = code >= 0xd800 && code <= 0xdfff;
  return code === 0 || code > 0x10ffff || isSurrogate
    ? '\ufffd'
    : String.fromCodePoint(code);
}

/** Escapes a value merged into HTML: `Dupont & Fils <test>` shows as is. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
