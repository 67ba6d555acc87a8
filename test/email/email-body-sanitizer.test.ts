import { findUnsafeHtml, sanitizeEmailBody } from '@optic/providers';

/** What must never survive sanitising, in any case or spacing. */
const DANGEROUS = [
  /<script/i,
  /<svg/i,
  /<iframe/i,
  /<base/i,
  /<meta/i,
  /<style/i,
  /<link/i,
  /<object/i,
  /<embed/i,
  /<form/i,
  /\son[a-z]+\s*=/i,
  /javascript:/i,
  /vbscript:/i,
  /data:/i,
  /expression\s*\(/i,
  /url\s*\(/i,
  /alert/i,
];

const VECTORS: [string, string][] = [
  ['a script element', '<p>Bonjour</p><script>alert(1)</script>'],
  ['a script in upper case', '<SCRIPT SRC=//evil.test/x.js></SCRIPT>'],
  ['an img onerror handler', '<img src="x" onerror="alert(1)">'],
  ['an unquoted handler', '<img src=x onerror=alert(1)>'],
  ['an onload handler on a div', '<div onload="alert(1)">x</div>'],
  ['an onmouseover in mixed case', '<p OnMouseOver="alert(1)">x</p>'],
  ['a handler after a slash', '<img/src="x"/onerror="alert(1)">'],
  ['javascript: in a link', '<a href="javascript:alert(1)">x</a>'],
  ['javascript: in mixed case', '<a href="JaVaScRiPt:alert(1)">x</a>'],
  [
    'javascript: as decimal entities',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  ],
  [
    'javascript: as hex entities',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
  ],
  ['javascript: with a tab inside', '<a href="java\tscript:alert(1)">x</a>'],
  [
    'javascript: with an encoded newline',
    '<a href="java&#10;script:alert(1)">x</a>',
  ],
  ['javascript: after spaces', '<a href="   javascript:alert(1)">x</a>'],
  [
    'javascript: after a control character',
    '<a href="\u0001javascript:alert(1)">x</a>',
  ],
  ['vbscript:', '<a href="vbscript:msgbox(1)">x</a>'],
  [
    'a data: link',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  ],
  [
    'a data: image',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  ],
  ['an svg with a script', '<svg><script>alert(1)</script></svg>'],
  ['an svg with onload', '<svg onload="alert(1)"><circle r="1"/></svg>'],
  ['a base element', '<base href="https://evil.test/"><a href="page">x</a>'],
  [
    'a meta refresh',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  ],
  ['an iframe', '<iframe src="https://evil.test"></iframe>'],
  ['an iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['an object', '<object data="https://evil.test/x.swf"></object>'],
  ['an embed', '<embed src="https://evil.test/x.swf">'],
  ['a form', '<form action="https://evil.test"><input name="x"></form>'],
  [
    'a style element',
    '<style>body{background:url(javascript:alert(1))}</style>',
  ],
  [
    'an external style sheet',
    '<link rel="stylesheet" href="https://evil.test/x.css">',
  ],
  ['CSS expression()', '<p style="width: expression(alert(1))">x</p>'],
  [
    'CSS expression() in a colour',
    '<p style="color: expression(alert(1))">x</p>',
  ],
  [
    'CSS url(javascript:)',
    '<p style="background-image: url(javascript:alert(1))">x</p>',
  ],
  [
    'CSS url() in a shorthand',
    '<p style="background: url(\'javascript:alert(1)\')">x</p>',
  ],
  [
    'CSS escapes spelling expression',
    '<p style="color: \\65 xpression(alert(1))">x</p>',
  ],
  ['a protocol-relative image', '<img src="//evil.test/pixel.gif">'],
];

describe('sanitising a rich-text e-mail body', () => {
  describe.each(VECTORS)('when the body carries %s', (_what, html) => {
    it('removes every dangerous part', () => {
      const clean = sanitizeEmailBody(html);

      for (const pattern of DANGEROUS) expect(clean).not.toMatch(pattern);
    });

    it('is reported by name, so saving can refuse it', () => {
      expect(findUnsafeHtml(html).length).toBeGreaterThan(0);
    });
  });

  it('keeps what the editor produces: fonts, colours, emphasis, alignment, links, images', () => {
    const html =
      '<p style="text-align: center"><font face="Helvetica" color="#336699" size="3">Bonjour</font> ' +
      '<b>gras</b> <i>italique</i> <u>souligné</u> T<sup>2</sup> H<sub>2</sub>O ' +
      '<span style="color: rgb(200, 0, 0); font-size: 14px; font-family: Arial, sans-serif">rouge</span></p>' +
      '<p align="right"><a href="https://optique.test/rdv" target="_blank">Prendre rendez-vous</a> ' +
      '<a href="mailto:contact@optique.test">écrire</a></p>' +
      '<p><img src="https://optique.test/monture.jpg" alt="Monture" width="200"></p>';

    const clean = sanitizeEmailBody(html);

    expect(findUnsafeHtml(html)).toEqual([]);
    for (const kept of [
      'text-align:center',
      '<font face="Helvetica" color="#336699" size="3">',
      '<b>gras</b>',
      '<i>italique</i>',
      '<u>souligné</u>',
      '<sup>2</sup>',
      '<sub>2</sub>',
      'color:rgb(200, 0, 0)',
      'font-size:14px',
      'align="right"',
      'href="https://optique.test/rdv"',
      'rel="noopener noreferrer"',
      'href="mailto:contact@optique.test"',
      '<img src="https://optique.test/monture.jpg" alt="Monture" width="200" />',
    ]) {
      expect(clean).toContain(kept);
    }
  });

  it('drops what the editor never makes, without calling it dangerous', () => {
    const html = '<table class="x"><tr><td id="y">cellule</td></tr></table>';

    expect(findUnsafeHtml(html)).toEqual([]);
    expect(sanitizeEmailBody(html)).toBe('cellule');
  });

  it('names each problem it finds', () => {
    expect(
      findUnsafeHtml(
        '<script>x</script><img src=x onerror=y><a href="javascript:z">a</a>',
      ),
    ).toEqual([
      'the <script> element',
      'the event handler onerror',
      'a javascript: URL in href',
    ]);
  });
});
