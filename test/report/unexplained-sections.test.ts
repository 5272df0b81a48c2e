// Probe failures no finding explains are roots of the analysis but not root causes: the text report
// lists them under UNEXPLAINED SYMPTOMS, and the markdown and HTML reports must too (a ticket pasted
// from either should not present a dropped probe as the cause). Scenarios with such a symptom, and
// one without, where the section must be absent.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../analyzer/causal/analyze.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { renderHtml } from '../../analyzer/report/html.js';
import { renderMarkdown } from '../../analyzer/report/markdown.js';
import type { ReportInput } from '../../analyzer/report/model.js';
import { bundlePaths } from '../scenario-helpers.js';

const tool = { name: 'netsnap', version: 'test' };
const inputs = new Map<string, ReportInput>();
const SCENARIOS = ['probe-failure-unexplained', 'pod-to-node-dropped-unexplained', 'article-full-story'] as const;

beforeAll(async () => {
  for (const name of SCENARIOS) {
    const { snapshot } = await loadSnapshot(bundlePaths(name));
    inputs.set(name, { snapshot, analysis: analyze(snapshot), tool });
  }
});
const input = (name: (typeof SCENARIOS)[number]) => inputs.get(name)!;

/** `RULE subject` pairs of a markdown section's numbered roots (code spans unwrapped) */
function mdRoots(md: string, heading: string): string[] {
  const body = md.split(`\n### ${heading}\n`)[1]?.split(/\n### |\n<details>/)[0] ?? '';
  return [...body.matchAll(/^\d+\. \*\*([A-Z]+-\d+)\*\* `+ ?([^`]+?) ?`+/gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** `RULE subject` pairs of the finding cards (chains included) in one HTML section */
function htmlRoots(html: string, id: string): string[] {
  const start = html.indexOf(`<section id="${id}">`);
  if (start < 0) return [];
  const sec = html.slice(start, html.indexOf('\n<section ', start + 1));
  return [...sec.matchAll(/class="rid">([^<]+)<\/[a-z]+>\s*<code[^>]*>([^<]+)<\/code>/g)].map((m) => `${m[1]} ${m[2]}`);
}

const POD_W2 = 'pod:default/web-44x55ssjts-d6k5s@worker-2';

describe('markdown: Unexplained symptoms', () => {
  it('pod-to-node dropped by a table no file shows: the probe failure is listed apart, no root cause', () => {
    const md = renderMarkdown(input('pod-to-node-dropped-unexplained'));
    expect(md).toMatch(/^## netsnap: 0 root causes, \d+ unexplained symptoms? \(/);
    expect(mdRoots(md, 'Root causes')).toEqual([]);
    expect(md.split('\n### Root causes\n')[1]).toMatch(/^\nNone found\./);
    expect(mdRoots(md, 'Unexplained symptoms')).toContain(`PRB-501 ${POD_W2}`);
  });

  it('vxlan dropped between the nodes: every PRB-502 under Unexplained symptoms', () => {
    const md = renderMarkdown(input('probe-failure-unexplained'));
    const listed = mdRoots(md, 'Unexplained symptoms');
    for (const s of ['node:worker-1', 'node:worker-2', 'pod:default/web-44x55ssjts-cjglt@worker-1', POD_W2])
      expect(listed).toContain(`PRB-502 ${s}`);
    expect(listed.every((l) => l.startsWith('PRB-'))).toBe(true);
    expect(mdRoots(md, 'Root causes')).toEqual([]);
  });

  it('the article story (every symptom explained): no such section, root causes as before', () => {
    const md = renderMarkdown(input('article-full-story'));
    expect(md).not.toContain('Unexplained symptoms');
    expect(md).not.toContain('unexplained');
    expect(mdRoots(md, 'Root causes')).toEqual(
      expect.arrayContaining(['SYS-104 node:worker-1', 'DNS-402 configmap:kube-system/coredns']),
    );
  });
});

describe('HTML: Unexplained symptoms', () => {
  it('pod-to-node dropped: a section of its own, not under root causes', () => {
    const html = renderHtml(input('pod-to-node-dropped-unexplained'));
    expect(html).toContain('<section id="unexplained"><h2>Unexplained symptoms</h2>');
    expect(htmlRoots(html, 'unexplained')).toContain(`PRB-501 ${POD_W2}`);
    expect(htmlRoots(html, 'roots')).toEqual([]);
    expect(html).toMatch(/<b>0 root cause\(s\)<\/b>, <b>\d+ unexplained symptom\(s\)<\/b>/);
  });

  it('vxlan dropped between the nodes: the PRB-502 findings in the section', () => {
    const listed = htmlRoots(renderHtml(input('probe-failure-unexplained')), 'unexplained');
    expect(listed).toEqual(expect.arrayContaining([`PRB-502 node:worker-1`, `PRB-502 ${POD_W2}`]));
  });

  it('the article story: no unexplained section', () => {
    const html = renderHtml(input('article-full-story'));
    expect(html).not.toContain('id="unexplained"');
    expect(htmlRoots(html, 'roots')).toEqual(expect.arrayContaining(['SYS-104 node:worker-1']));
  });
});
