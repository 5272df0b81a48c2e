// Issue 13 item 1: the HTML report is inert against hostile bundle and rule-pack text. Every tag and
// attribute in the output is one the renderer writes; no bundle string opens a tag, closes a raw-text
// element, starts a comment, becomes a link target or keeps a control or bidi character.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../analyzer/report/html.js';
import { ALL, EVIL_NODE, hostileDemo, RAW } from './hostile.js';

/** the elements and attributes renderHtml writes; anything else came from a bundle */
const TAGS = new Set(
  (
    'html head meta title style body main h1 h2 h3 p div header section nav dl dt dd table tr th td span b code ' +
    'pre a article fieldset legend label input select option details summary ul li br script'
  ).split(' '),
);
const ATTRS = new Set(
  'lang charset http-equiv content name id class href data-layer data-severity data-node hidden type value checked placeholder aria-label'.split(
    ' ',
  ),
);
/** the alphabet of anchorId: a fragment as it stands, no scheme, no quote, no space */
const ANCHOR = /^#[A-Za-z0-9][A-Za-z0-9._/:@~-]*$/;

let html = '';
let evilFindings = 0;
beforeAll(async () => {
  const { input, rules } = await hostileDemo();
  evilFindings = input.analysis.findings.filter((f) => f.ruleId === 'EVIL-001').length;
  // a budget large enough that every file (the hostile node's too) is embedded and quoted
  html = renderHtml(input, { rules, version: `1.0 ${ALL}`, maxEmbedBytes: 16 * 1024 * 1024 });
});

function tags(s: string): { name: string; attrs: [string, string][]; raw: string }[] {
  return [...s.matchAll(/<\/?([A-Za-z][A-Za-z0-9-]*)([^>]*)>/g)].map((m) => ({
    name: (m[1] ?? '').toLowerCase(),
    raw: m[0],
    attrs: [...(m[2] ?? '').matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)].map(
      (a) => [a[1] ?? '', a[2] ?? ''] as [string, string],
    ),
  }));
}

describe('hostile strings in the HTML report', () => {
  it('the payloads reach the report (escaped): log lines, Corefile, pod, node, pack text', () => {
    expect(evilFindings).toBeGreaterThan(0);
    expect(
      html.includes('&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;'),
      '&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;',
    ).toBe(true);
    expect(
      html.includes('&lt;/textarea&gt;&lt;img src=x onerror="window.__pwned=2"&gt;'),
      '&lt;/textarea&gt;&lt;img src=x onerror="window.__pwned=2"&gt;',
    ).toBe(true);
    expect(html.includes('\\u202eevil'), '\\u202eevil').toBe(true); // the bidi override shown as text
    expect(
      html.includes('forward . 233.5.5.5 114.114.114.114 { # &lt;/script&gt;'),
      'forward . 233.5.5.5 114.114.114.114 { # &lt;/script&gt;',
    ).toBe(true); // the cited Corefile line
    expect(/\[ERROR\][^<]*&lt;\/script&gt;/.test(html), String(/\[ERROR\][^<]*&lt;\/script&gt;/)).toBe(true); // a cited log line
    expect(html.includes('title &lt;/script&gt;'), 'title &lt;/script&gt;').toBe(true); // the pack's title as "why"
  });

  it('every tag and attribute is the renderer own; links are in-page anchors only', () => {
    const all = tags(html);
    expect(all.filter((t) => !TAGS.has(t.name)).map((t) => t.raw)).toEqual([]);
    const attrs = all.flatMap((t) => t.attrs.map(([n, v]) => ({ tag: t.name, n: n.toLowerCase(), v })));
    expect(attrs.filter((a) => !ATTRS.has(a.n)).map((a) => `${a.tag} ${a.n}`)).toEqual([]);
    expect(attrs.filter((a) => a.n === 'href' && !ANCHOR.test(a.v)).map((a) => a.v)).toEqual([]);
    expect(attrs.filter((a) => a.n === 'href').length).toBeGreaterThan(50);
    expect(all.filter((t) => t.name === 'script')).toHaveLength(2); // <script> and </script>, once
    expect(all.filter((t) => t.name === 'style')).toHaveLength(2);
    expect(
      all
        .filter((t) => t.name === 'meta')
        .map((t) => t.raw)
        .join('\n'),
    ).not.toContain('refresh');
  });

  it('no comment, raw-text closer, javascript: target or raw control/bidi character', () => {
    expect(html.includes('<!--')).toBe(false);
    expect(html.includes('</textarea')).toBe(false);
    expect(html.match(/<\/script/gi)?.length).toBe(1);
    expect(html.match(/<\/style/gi)?.length).toBe(1);
    expect(html.match(/<\/title/gi)?.length).toBe(1);
    // (an `href="javascript:` in text is escaped text; the attribute test above checks every real href)
    expect(html.split('\n').filter((l) => RAW.test(l))).toEqual([]);
  });

  it('a hostile node name is text in the header and the node filter, an escaped attribute, a safe anchor', () => {
    expect(
      html.includes('<option value="node-&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt; '),
      '<option value="node-&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt; ',
    ).toBe(true);
    expect(
      /data-node="node-&lt;\/script&gt;[^"]*&quot;&gt;&lt;svg onload/.test(html),
      String(/data-node="node-&lt;\/script&gt;[^"]*&quot;&gt;&lt;svg onload/),
    ).toBe(true);
    const ids = [...html.matchAll(/ id="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(ids.filter((i) => i.startsWith('node-')).length).toBeGreaterThan(0); // its file views
    expect(ids.filter((i) => !/^[A-Za-z0-9][A-Za-z0-9._/:@~-]*$/.test(i))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(EVIL_NODE).toContain('<');
  });

  it('the page allows its own inline blocks by hash and nothing from the network', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(csp).not.toContain('unsafe-inline');
  });
});
