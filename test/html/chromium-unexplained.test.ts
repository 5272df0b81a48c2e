// The unexplained-symptoms section of the HTML report in a real browser (the pattern of
// chromium.test.ts): the probe failures nothing explains show under their own heading, root causes
// say none were found, the section's anchors resolve and the filters count its cards like any other.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../analyzer/causal/analyze.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { Browser, findChromium } from '../../analyzer/report/html-cdp.js';
import { renderHtml } from '../../analyzer/report/html.js';
import { bundlePaths } from '../scenario-helpers.js';

const chromium = findChromium();
let dir = '';
let browser: Browser | undefined;

beforeAll(async () => {
  if (!chromium) return;
  dir = await mkdtemp(join(tmpdir(), 'netsnap-html-unexplained-'));
  const { snapshot } = await loadSnapshot(bundlePaths('pod-to-node-dropped-unexplained'));
  await writeFile(
    join(dir, 'dropped.html'),
    renderHtml({ snapshot, analysis: analyze(snapshot) }, { version: 'test' }),
  );
  browser = Browser.launch(chromium);
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!chromium)('unexplained symptoms in headless Chromium', () => {
  it('pod-to-node dropped: PRB-501 on the pod under Unexplained symptoms, no root cause, anchors resolve', async () => {
    const p = await browser!.newPage(1280, 800);
    await p.open(pathToFileURL(join(dir, 'dropped.html')).href);
    const shown = await p.eval<{ heading: string; cards: string[]; roots: number; none: string }>(`(() => ({
      heading: document.querySelector('#unexplained h2')?.textContent ?? '',
      cards: [...document.querySelectorAll('#unexplained .finding > .card')]
        .filter((c) => c.getClientRects().length > 0)
        .map((c) => c.querySelector('.rid').textContent + ' ' + c.querySelector('.rid + code').textContent),
      roots: document.querySelectorAll('#roots .finding').length,
      none: document.querySelector('#roots p')?.textContent ?? '',
    }))()`);
    expect(shown.heading).toBe('Unexplained symptoms');
    expect(shown.cards).toContain('PRB-501 pod:default/web-44x55ssjts-d6k5s@worker-2');
    expect(shown.roots).toBe(0);
    expect(shown.none).toBe('None found.');
    const broken = await p.eval<string[]>(
      `[...document.querySelectorAll('#unexplained a[href]')].map((a) => a.getAttribute('href')).filter((h) => !h.startsWith('#') || !document.getElementById(h.slice(1)))`,
    );
    expect(broken).toEqual([]);
  });
});
