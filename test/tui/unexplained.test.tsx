// Probe failures no finding explains are roots, not causes (the text report's UNEXPLAINED
// SYMPTOMS): the TUI lists them apart on the overview, marks them ◇ in the findings list, and
// `is:unexplained` filters to them. Scenario: a firewalld table no collected file shows drops what
// the pod on worker-2 sends to its node; and the article story, where nothing is unexplained.
import { cleanup, render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../analyzer/causal/analyze.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { App } from '../../tui/components/App.js';
import { KEY, frameOf, press, waitForFrame } from '../../tui/testing/ink.js';
import { filterRows, findingRows } from '../../tui/view-models/findings.js';
import { lineText } from '../../tui/view-models/doc.js';
import { buildModel, type UiModel } from '../../tui/view-models/model.js';
import { overviewDoc } from '../../tui/view-models/overview.js';
import { bundlePaths } from '../scenario-helpers.js';

const POD_W2 = 'pod:default/web-44x55ssjts-d6k5s@worker-2';
let dropped: UiModel;
let article: UiModel;

beforeAll(async () => {
  const load = async (name: string) => {
    const { snapshot } = await loadSnapshot(bundlePaths(name));
    return buildModel({ snapshot, analysis: analyze(snapshot) });
  };
  dropped = await load('pod-to-node-dropped-unexplained');
  article = await load('article-full-story');
});
afterEach(() => cleanup());

/** the overview's lines between a heading and the next blank line */
function overviewSection(m: UiModel, heading: string): string[] {
  const lines = overviewDoc(m, 118).lines.map(lineText);
  const at = lines.findIndex((l) => l.includes(heading));
  if (at < 0) return [];
  const end = lines.findIndex((l, i) => i > at && l.trim() === '');
  return lines.slice(at, end < 0 ? undefined : end);
}

describe('unexplained symptoms in the TUI', () => {
  it('overview: no root cause, the PRB-501 on the pod under Unexplained symptoms', () => {
    expect(overviewSection(dropped, 'Root causes')).toEqual([expect.stringMatching(/^Root causes \(0\)\s+none found/)]);
    const section = overviewSection(dropped, 'Unexplained symptoms');
    expect(section[0]).toMatch(/^◇ Unexplained symptoms \(\d+\)/);
    expect(section.some((l) => l.includes('PRB-501') && l.includes(POD_W2))).toBe(true);
  });

  it('findings: the unexplained roots carry ◇, and is:unexplained keeps only them', () => {
    const rows = findingRows(dropped);
    const marked = rows.filter((r) => r.unexplained);
    expect(marked.map((r) => `${r.ruleId} ${r.subject}`)).toContain(`PRB-501 ${POD_W2}`);
    expect(marked.every((r) => r.isRoot && r.layer === 'probe')).toBe(true);
    const only = filterRows(rows, { text: 'is:unexplained' });
    expect(only.map((r) => r.index).sort()).toEqual([...dropped.unexplained].sort());
    expect(filterRows(rows, { text: 'is:root' }).filter((r) => r.unexplained)).toEqual([]);
  });

  it('the list draws ◇ and its legend; enter on the overview section opens the filtered list', async () => {
    const app = render(<App model={dropped} title="t" size={{ columns: 120, rows: 40 }} />);
    await waitForFrame(app, (f) => f.includes('Unexplained symptoms'), 'the overview');
    // the section heading is an item: n/j reach it; walk down until it is selected
    const onHeading = (x: string) => /^› ◇ Unexplained symptoms/m.test(x);
    for (let i = 0; i < 30 && !onHeading(frameOf(app)); i++) await press(app, 'j');
    expect(frameOf(app)).toMatch(/^› ◇ Unexplained symptoms/m);
    await press(app, KEY.ENTER);
    const f = await waitForFrame(app, (x) => x.includes('filter: unexplained symptoms'), 'the filtered list');
    expect(f).toContain('◇ = unexplained symptom');
    expect(f).toMatch(/^› ✗ FAIL ◇ CRIT PRB-501 +probe +pod:default\/web-44x55ssjts-d6k5s@w/m);
    const rows = f.split('\n').filter((l) => /^[› ] [✗!?✓] /.test(l));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((l) => l.includes(' ◇ '))).toBe(true);
    expect(f).toContain('0 root causes · 2 unexplained');
  });

  it('the article story: no section, no ◇, no legend', async () => {
    expect(article.unexplained.size).toBe(0);
    expect(overviewSection(article, 'Unexplained symptoms')).toEqual([]);
    const app = render(
      <App model={article} title="t" size={{ columns: 120, rows: 40 }} initialRoute={{ screen: 'findings' }} />,
    );
    const f = await waitForFrame(app, (x) => x.includes('Findings 1/'), 'the list');
    expect(f).not.toContain('◇');
    expect(f).toMatch(/◆ +\S+ +SYS-104/);
  });
});
