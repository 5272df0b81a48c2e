// Issue 13 item 2: the HTML report in a real browser. Headless Chromium (Debian package `chromium`;
// $CHROMIUM overrides the path) opens the demo report from file:// over the DevTools protocol
// (analyzer/report/html-cdp.ts, no puppeteer) and the test reads the DOM: root causes present, every
// in-page anchor resolves, the filters and the search hide what they should, findings show without
// JavaScript, no console error, no network request; a report of hostile bundle text runs no script.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../analyzer/causal/analyze.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { Browser, findChromium, type Page } from '../../analyzer/report/html-cdp.js';
import { renderHtml } from '../../analyzer/report/html.js';
import { bundlePaths } from '../scenario-helpers.js';
import { hostileDemo } from './hostile.js';

const chromium = findChromium();
if (!chromium)
  console.log('html chromium test skipped: chromium not found (apt-get install chromium, or set CHROMIUM)');

let dir = '';
let browser: Browser | undefined;
const url = (name: string) => pathToFileURL(join(dir, name)).href;

beforeAll(async () => {
  if (!chromium) return;
  dir = await mkdtemp(join(tmpdir(), 'netsnap-html-chromium-'));
  const { snapshot } = await loadSnapshot(bundlePaths('article-full-story'));
  await writeFile(join(dir, 'demo.html'), renderHtml({ snapshot, analysis: analyze(snapshot) }, { version: 'test' }));
  const { input, rules } = await hostileDemo();
  await writeFile(join(dir, 'hostile.html'), renderHtml(input, { rules }));
  browser = Browser.launch(chromium);
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** console errors, uncaught exceptions, CSP and load errors the page logged */
function errors(p: Page): string[] {
  return p.events().flatMap((e) => {
    const q = e.params as {
      type?: string;
      args?: { value?: unknown }[];
      exceptionDetails?: { text?: string };
      entry?: { level?: string; text?: string };
    };
    if (e.method === 'Runtime.consoleAPICalled' && (q.type === 'error' || q.type === 'assert'))
      return [`console.${q.type}: ${JSON.stringify(q.args?.map((a) => a.value))}`];
    if (e.method === 'Runtime.exceptionThrown') return [`exception: ${q.exceptionDetails?.text ?? ''}`];
    if (e.method === 'Log.entryAdded' && q.entry?.level === 'error') return [`log: ${q.entry.text ?? ''}`];
    return [];
  });
}

/** requests other than the report file itself */
function requests(p: Page, page: string): string[] {
  return p
    .events()
    .filter((e) => e.method === 'Network.requestWillBeSent')
    .map((e) => (e.params as { request: { url: string } }).request.url)
    .filter((u) => u.split('#')[0] !== page);
}

const VISIBLE_CARDS = `[...document.querySelectorAll('.finding > .card')].filter((c) => c.getClientRects().length > 0)`;

describe.skipIf(!chromium)('the HTML report in headless Chromium', () => {
  it('demo: root causes present, every in-page anchor resolves, no console error, no network request', async () => {
    const p = await browser!.newPage(1280, 800);
    await p.open(url('demo.html'));
    const roots = await p.eval<string[]>(
      `[...document.querySelectorAll('#roots .finding > .card .rid')].map((e) => e.textContent)`,
    );
    expect(roots).toEqual(expect.arrayContaining(['SYS-104', 'SYS-108', 'DNS-402', 'DNS-401', 'DNS-406']));
    const links = await p.eval<{ total: number; broken: string[] }>(`(() => {
      const hrefs = [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href'));
      return { total: hrefs.length, broken: hrefs.filter((h) => !h.startsWith('#') || !document.getElementById(h.slice(1))) };
    })()`);
    expect(links.total).toBeGreaterThan(30);
    expect(links.broken).toEqual([]);
    // following an evidence link lands on the line, and it is on screen
    const landed = await p.eval<{ target: string | undefined; top: number }>(`(() => {
      document.querySelector('a[href="#worker-1/host/iptables-save.txt:L55"]').click();
      const t = document.querySelector(':target');
      return { target: t?.id, top: t ? t.getBoundingClientRect().top : -1 };
    })()`);
    expect(landed.target).toBe('worker-1/host/iptables-save.txt:L55');
    expect(landed.top).toBeGreaterThanOrEqual(0);
    expect(landed.top).toBeLessThan(800);
    expect(errors(p)).toEqual([]);
    expect(requests(p, url('demo.html'))).toEqual([]);
  });

  it('filters: a layer, a node and the search box hide the findings they should', async () => {
    const p = await browser!.newPage(1280, 800);
    await p.open(url('demo.html'));
    expect(await p.eval<number>(`${VISIBLE_CARDS}.length`)).toBe(9);
    expect(await p.eval<string>(`document.getElementById('shown').textContent`)).toBe('9 of 9 findings shown');
    // only the system layer
    const system = await p.eval<{ visible: string[]; expected: number }>(`(() => {
      for (const l of ['dns', 'service', 'network', 'bundle'])
        document.querySelector('#filters input[name="layer"][value="' + l + '"]').click();
      return {
        visible: ${VISIBLE_CARDS}.map((c) => c.parentElement.getAttribute('data-layer')),
        expected: document.querySelectorAll('.finding[data-layer="system"]').length,
      };
    })()`);
    expect(system.visible.length).toBe(system.expected);
    expect(system.visible.length).toBeGreaterThan(0);
    expect(new Set(system.visible)).toEqual(new Set(['system']));
    // every layer again, then node worker-2: worker-1's findings hidden, cluster-wide ones kept
    const node = await p.eval<string[]>(`(() => {
      for (const i of document.querySelectorAll('#filters input[name="layer"]:not(:checked)')) i.click();
      const s = document.querySelector('#filters select[name="node"]');
      s.value = 'worker-2';
      s.dispatchEvent(new Event('change', { bubbles: true }));
      return ${VISIBLE_CARDS}.map((c) => c.parentElement.getAttribute('data-node'));
    })()`);
    expect(node.length).toBeGreaterThan(0);
    expect(node.filter((n) => n !== '' && n !== 'worker-2')).toEqual([]);
    // the search box: the multicast upstream only DNS-402 names in its message
    const found = await p.eval<string[]>(`(() => {
      const s = document.querySelector('#filters select[name="node"]');
      s.value = '';
      s.dispatchEvent(new Event('change', { bubbles: true }));
      const q = document.querySelector('#filters input[type=search]');
      q.value = 'did you mean 223.5.5.5';
      q.dispatchEvent(new Event('input', { bubbles: true }));
      return ${VISIBLE_CARDS}.map((c) => c.querySelector('.rid').textContent);
    })()`);
    expect(found).toEqual(['DNS-402']);
    expect(errors(p)).toEqual([]);
  });

  it('without JavaScript every finding is shown and the filter bar stays hidden', async () => {
    const p = await browser!.newPage(390, 844, true);
    await browser!.send('Emulation.setScriptExecutionDisabled', { value: true }, p.sessionId);
    await p.open(url('demo.html'));
    const seen = await p.eval<{ cards: number; bar: number }>(
      `({ cards: ${VISIBLE_CARDS}.length, bar: document.getElementById('filters').getClientRects().length })`,
    );
    expect(seen).toEqual({ cards: 9, bar: 0 });
  });

  it('a report of hostile bundle text runs none of it: no script, dialog, element or request it planted', async () => {
    const p = await browser!.newPage(1280, 800);
    await p.open(url('hostile.html'));
    const dom = await p.eval<{ pwned: unknown; scripts: number; planted: number; title: string; cards: number }>(`({
      pwned: window.__pwned ?? null,
      scripts: document.scripts.length,
      planted: document.querySelectorAll('img, svg, iframe, link, textarea, object, embed, body style').length,
      title: document.title,
      cards: document.querySelectorAll('.finding').length,
    })`);
    expect(dom).toMatchObject({ pwned: null, scripts: 1, planted: 0 });
    expect(dom.title.startsWith('netsnap report')).toBe(true);
    expect(dom.cards).toBeGreaterThan(40);
    expect(p.events().filter((e) => e.method === 'Page.javascriptDialogOpening')).toEqual([]);
    expect(errors(p)).toEqual([]);
    expect(requests(p, url('hostile.html'))).toEqual([]);
  });
});
