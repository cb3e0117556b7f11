import { HtmlRenderer, Parser } from 'commonmark';
import { describe, expect, it } from 'vitest';
import { authored, plain } from '../../worker/review/safe-markdown';

/** Render as a wiki that allows raw HTML and any link would: the CommonMark reference renderer, unsafe mode. */
const render = (markdown: string) =>
  new HtmlRenderer({ safe: false }).render(new Parser().parse(markdown));

/** Everything in rendered HTML that could run: tags other than plain formatting, handlers, script-ish URLs. */
function dangers(html: string): string[] {
  const tags = [...html.matchAll(/<\/?([a-z][a-z0-9-]*)/gi)]
    .map((m) => m[1]?.toLowerCase() ?? '')
    .filter(
      (t) =>
        ![
          'p',
          'a',
          'img',
          'em',
          'strong',
          'code',
          'pre',
          'ul',
          'ol',
          'li',
          'h1',
          'h2',
          'h3',
          'blockquote',
          'br',
          'hr',
        ].includes(t),
    );
  const urls = [...html.matchAll(/(?:href|src)="([^"]*)"/g)]
    .map((m) => m[1] ?? '')
    .filter((u) => !['http', 'https', 'mailto', 'tel', undefined].includes(schemeOf(u)));
  const handlers = [...html.matchAll(/<[^>]*\son[a-z]+=/gi)].map((m) => m[0]);
  return [...tags.map((t) => `<${t}>`), ...urls, ...handlers];
}

/** The scheme a browser sees in an attribute value: entities decoded once, tabs, newlines and outer controls dropped. */
function schemeOf(attribute: string): string | undefined {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', colon: ':' };
  const decoded = attribute.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) =>
    ref.startsWith('#x') || ref.startsWith('#X')
      ? String.fromCodePoint(parseInt(ref.slice(2), 16))
      : ref.startsWith('#')
        ? String.fromCodePoint(Number(ref.slice(1)))
        : (named[ref.toLowerCase()] ?? whole),
  );
  const url = decoded.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '');
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '[click](javascript:alert(document.cookie))',
  '[upper](JaVaScRiPt:alert(1))',
  '[escaped](javascript\\:alert(1))',
  '[entity](java&#115;cript:alert(1))',
  '[colon entity](javascript&colon;alert(1))',
  '[spaced](   javascript:alert(1))',
  '[next line](\njavascript:alert(1))',
  '[angle](<javascript:alert(1)>)',
  '![image](javascript:alert(1))',
  '![data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[vb](vbscript:msgbox(1))',
  '[file](file:///etc/passwd)',
  '<javascript:alert(1)>',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '<iframe src="https://evil.example"></iframe>',
  '<div onclick="alert(1)">click</div>',
  '<!-- hidden --><svg onload=alert(1)>',
];

describe('Markdown safe to paste into a wiki', () => {
  for (const input of HOSTILE) {
    it(`renders ${JSON.stringify(input)} without anything that could run`, () => {
      expect(dangers(render(authored(input)))).toEqual([]);
      expect(dangers(render(plain(input)))).toEqual([]);
    });
  }

  it('keeps ordinary Markdown: emphasis, lists, safe links, images and headings', () => {
    const text =
      '**Root cause**: a *full* disk.\n\n- see [the runbook](https://wiki.example/runbook)\n- mail [ops](mailto:ops@example.com)\n\n![graph](https://grafana.example/render.png)\n\n### Timeline';
    expect(authored(text)).toBe(text);
  });

  it('leaves code spans and fenced code exactly as written, where HTML shows as text anyway', () => {
    const text =
      'Run `curl -H "<token>" x` then:\n\n```html\n<script>alert(1)</script>\n[x](javascript:y)\n```\nafter <b>';
    const out = authored(text);
    expect(out).toContain('`curl -H "<token>" x`');
    expect(out).toContain('```html\n<script>alert(1)</script>\n[x](javascript:y)\n```');
    expect(out).toContain('after &lt;b>');
    expect(dangers(render(out))).toEqual([]);
  });

  it('shows facts exactly as written, whatever characters they hold', () => {
    const title = 'Disk *full* on web_1 | <b>prod</b> [x](javascript:y) & more';
    expect(render(plain(title))).toBe(
      `<p>${title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>\n`,
    );
  });
});
