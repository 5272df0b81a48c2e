// The diff view on the article before/after pair (fixtures/scenarios/article-full-story and
// article-fixes-applied), rendered at 80x24: categories, the selected finding's explaining source
// change, the source-change tab, leaving; and bundle text made inert.
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { analyze } from '../../analyzer/causal/analyze.js';
import { diffSides } from '../../analyzer/diff/diff.js';
import { buildDiffView, type DiffView } from '../../analyzer/diff/view.js';
import { loadSnapshot } from '../../analyzer/model/load.js';
import { after, before } from '../../test/diff/helpers.js';
import { KEY, frameOf, press, waitForFrame } from '../testing/ink.js';
import { DiffApp } from './DiffApp.js';
import { diffLines, wrap } from './lines.js';

const SIZE = { columns: 80, rows: 24 };

async function articleView(): Promise<DiffView> {
  const b = (await loadSnapshot(before())).snapshot;
  const a = (await loadSnapshot(after())).snapshot;
  return buildDiffView(diffSides({ snapshot: b, analysis: analyze(b) }, { snapshot: a, analysis: analyze(a) }));
}

describe('the diff view (netsnap diff on a terminal)', () => {
  it('lists what the fix changed by category and shows the change that explains the selected finding', async () => {
    const view = await articleView();
    const app = render(<DiffApp view={view} size={SIZE} />);
    let f = await waitForFrame(app, (x) => x.includes('Fixed (5)'));
    expect(f).toContain('5 fixed, 0 still failing, 0 new');
    expect(f).toMatch(/Still failing \(0\)/);
    expect(f).toMatch(/✓ DNS-401\/deployment:kube-system\/coredns +fail -> pass/);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // the first row is selected: its explaining change is listed under it
    const sys104 = view.sections[0]!.rows.findIndex((r) => r.id === 'SYS-104/node:worker-1');
    expect(sys104).toBeGreaterThan(0);
    await press(app, ...Array.from({ length: sys104 }, () => KEY.DOWN));
    f = await waitForFrame(app, (x) => /← iptables worker-1 nat POSTROUTING/.test(x), 'the SYS-104 change');
    expect(f).toMatch(/✓ SYS-104\/node:worker-1/);
    await press(app, '\t');
    f = await waitForFrame(app, (x) => x.includes('[source changes]'));
    expect(f).toMatch(/Source changes \(\d+ places\)/);
    // the place of SYS-104's change, selected: its changes listed whole
    const place = view.sources.findIndex((g) => g.heading === 'iptables worker-1 nat POSTROUTING');
    expect(place).toBeGreaterThan(0);
    await press(app, ...Array.from({ length: place }, () => KEY.DOWN));
    f = await waitForFrame(app, (x) => x.includes('iptables worker-1 nat POSTROUTING'), 'the worker-1 place');
    expect(f).toMatch(/-A POSTROUTING .*FLANNEL-POSTRTG/);
  });

  it('q leaves (onExit called once)', async () => {
    const onExit = vi.fn();
    const view = await articleView();
    const app = render(<DiffApp view={view} size={SIZE} onExit={onExit} />);
    await waitForFrame(app, (x) => x.includes('Fixed'));
    await press(app, 'q');
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('bundle text is inert: no terminal escapes reach the screen; long words wrap', () => {
    const evil = 'pod \u001b[2J\u001b]0;owned\u0007 web\u202e-1 ' + 'x'.repeat(200);
    const view: DiffView = {
      headline: 'netsnap diff: 0 fixed, 0 still failing, 1 new, 0 changed status, 0 unchanged',
      counts: { fixed: 0, 'still-failing': 0, new: 1, 'changed-status': 0, unchanged: 0 },
      sections: [
        {
          category: 'new',
          rows: [
            {
              id: 'SVC-304/service:default/web',
              after: 'fail',
              severity: 'critical',
              title: 'SVC-304',
              message: evil,
              sources: [],
            },
          ],
        },
      ],
      rootsBefore: [],
      rootsAfter: [],
      sources: [],
      omitted: [],
    };
    const lines = diffLines(view, 'findings', 0, 80);
    const text = lines.map((l) => l.text).join('\n');
    expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
    for (const l of lines) expect(l.text.length).toBeLessThanOrEqual(80);
    const app = render(<DiffApp view={view} size={SIZE} />);
    expect(app.lastFrame()).not.toMatch(/\u001b\[2J|\u001b\]0;/);
    expect(frameOf(app)).toContain('+ SVC-304/service:default/web');
    expect(wrap('a b c', 8)).toEqual(['a b c']);
  });
});
