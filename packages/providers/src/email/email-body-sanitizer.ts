import sanitizeHtml from 'sanitize-html';

/**
 * What the console's rich-text editor may produce: fonts, colours, bold,
 * italic, underline, superscript, subscript, alignment, links and images by
 * URL. Anything else (scripts, handlers, `javascript:`, external CSS) goes.
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
  ],
  allowedAttributes: {
    '*': ['style', 'align'],
    a: ['href', 'title', 'target'],
    img: ['src', 'alt', 'width', 'height'],
    font: ['face', 'color', 'size'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedStyles: {
    '*': {
      color: [
        /^#[0-9a-f]{3,8}$/i,
        /^rgb\(\s*\d+\s*,\s*\d+\s*,\s*\d+\s*\)$/i,
        /^[a-z]+$/i,
      ],
      'background-color': [/^#[0-9a-f]{3,8}$/i, /^[a-z]+$/i],
      'text-align': [/^(left|right|center|justify)$/],
      'font-family': [/^[\w\s,'"-]+$/],
      'font-size': [/^\d+(px|pt|em|%)$/],
      'font-weight': [/^(bold|normal|\d{3})$/],
      'font-style': [/^(italic|normal)$/],
      'text-decoration': [/^(underline|line-through|none)$/],
    },
  },
};

/** Cleans HTML written in the rich-text editor before it is stored. */
export function sanitizeEmailBody(html: string): string {
  return sanitizeHtml(html, OPTIONS);
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
