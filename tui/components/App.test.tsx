import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { App } from './App.js';
import { buildModel } from '../view-models/model.js';
import { demoLoadResult } from '../testing/demo-analysis.js';
import { KEY, frameOf, press, waitForFrame } from '../testing/ink.js';

const SIZE = { columns: 80, rows: 24 };
const model = buildModel(demoLoadResult());
const mount = (extra: Partial<Parameters<typeof App>[0]> = {}) =>
  render(<App model={model} title="demo" size={SIZE} {...extra} />);

afterEach(() => cleanup());

const lines = (f: string) => f.split('\n');
const selected = (f: string) => lines(f).find((l) => l.startsWith('›'));

describe('App at 80x24', () => {
  it('overview: layer stack, root causes first with chains, nodes, completeness', async () => {
    const app = mount();
    const f = await waitForFrame(app, (x) => x.includes('Root causes (2)'));
    expect(lines(f).length).toBeLessThanOrEqual(23);
    expect(lines(f).every((l) => l.length <= 80)).toBe(true);
    expect(f).toMatch(/✗ FAIL\s+dns/);
    expect(f).toMatch(/✓ PASS\s+service/);
    expect(f).toMatch(/✗ FAIL\s+system/);
    const order = ['SYS-104', 'SYS-108', 'DNS-402', 'DNS-401', 'DNS-406'].map((id) => f.indexOf(id));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(f).toMatch(/└─ ✗ DNS-401/);
    expect(f).toContain('worker-2');
    // the text report's notion of completeness: unknown checks, with what they missed
    expect(f).toMatch(/Data completeness +1 check unknown/);
    expect(f).toMatch(/\? UNKN SYS-106 +node:worker-2 +missing host\.conntrack-stats/);
  });

  it('drills from a root cause to its cited evidence line and back', async () => {
    const app = mount();
    await waitForFrame(app, (x) => x.includes('Root causes'));
    await press(app, 'j', 'j', 'j', 'j', 'j', 'j');
    expect(selected(frameOf(app))).toMatch(/DNS-402/);
    await press(app, KEY.ENTER);
    let f = await waitForFrame(app, (x) => x.includes('Why it matters'), 'the DNS-402 detail');
    expect(f).toContain('overview › DNS-402');
    expect(f).toMatch(/▶ 13 │ .*forward \. 233\.5\.5\.5/);
    expect(selected(f)).toMatch(/coredns\.json#\/data\/Corefile:13/);
    await press(app, KEY.ENTER);
    f = await waitForFrame(
      app,
      (x) => x.includes('overview › DNS-402 › coredns.json#Corefile:13'),
      'the evidence viewer',
    );
    expect(f).toMatch(/▶13 │ +forward \. 233\.5\.5\.5/);
    await press(app, KEY.ESC);
    await waitForFrame(app, (x) => x.includes('Why it matters'), 'back on the detail');
    await press(app, KEY.ESC);
    f = await waitForFrame(app, (x) => x.includes('Root causes'), 'back on the overview');
    expect(selected(f)).toMatch(/DNS-402/);
  });

  it('follows the chain from a symptom to its cause', async () => {
    const app = render(<App model={model} title="demo" size={SIZE} initialRoute={{ screen: 'detail', finding: 2 }} />);
    await waitForFrame(app, (x) => x.includes('DNS-406'));
    await press(app, KEY.TAB);
    expect(selected(frameOf(app))).toMatch(/DNS-401/);
    await press(app, KEY.ENTER);
    const f = await waitForFrame(app, (x) => x.includes('› DNS-401'), 'the DNS-401 detail');
    expect(f).toMatch(/DNS-401 +dns layer/);
  });

  it('findings: filters by layer key, free text and node, and x clears', async () => {
    const app = mount();
    await waitForFrame(app, (x) => x.includes('Root causes'));
    await press(app, '/');
    await press(app, ...'multicast');
    let f = await waitForFrame(app, (x) => x.includes('Findings 1/1'), 'one match');
    expect(f).toContain('DNS-402');
    await press(app, KEY.ENTER, 'x');
    f = await waitForFrame(app, (x) => x.includes('Findings 1/12'), 'all findings');
    expect(lines(f)[4]).toMatch(/◆ CRIT SYS-104/);
    await press(app, 'l');
    f = await waitForFrame(app, (x) => x.includes('filter: layer=dns'));
    expect(f).not.toContain('SYS-104');
    await press(app, 'x', 'o');
    f = await waitForFrame(app, (x) => x.includes('filter: node=worker-1'));
    expect(f).not.toMatch(/node:worker-2/);
  });

  it(':node and :evidence jump to screens; unknown names say what exists', async () => {
    const app = mount();
    await waitForFrame(app, (x) => x.includes('Root causes'));
    await press(app, ':', ...'node worker-2', KEY.ENTER);
    let f = await waitForFrame(app, (x) => x.includes('filter: node=worker-2'));
    expect(f).toContain('SYS-106');
    await press(app, ':', ...'node nope', KEY.ENTER);
    f = await waitForFrame(app, (x) => x.includes('no node "nope"'));
    expect(f).toContain('nodes: worker-1, worker-2');
    await press(app, ':', ...'evidence worker-2', KEY.ENTER);
    f = await waitForFrame(app, (x) => x.includes('Files'));
    expect(selected(f)).toMatch(/worker-2/);
  });

  it('evidence viewer: open a file, search with / and n, jump with :N', async () => {
    const app = render(
      <App model={model} title="demo" size={SIZE} initialRoute={{ screen: 'evidence', node: 'worker-2' }} />,
    );
    await waitForFrame(app, (x) => x.includes('Files'));
    await press(app, '/', ...'iptables', KEY.ENTER);
    await press(app, KEY.ENTER);
    await waitForFrame(app, (x) => x.includes('host/iptables-save.txt') && x.includes('line 1/58'), 'the file open');
    await press(app, '/', ...'MASQUERADE --random', KEY.ENTER);
    let f = await waitForFrame(app, (x) => /line 42\/58/.test(x), 'the first match');
    // the viewer wraps long lines: the rest of line 42 is on unnumbered rows below it
    expect(f).toMatch(/≫42 │ -A FLANNEL-POSTRTG/);
    expect(f).toMatch(/ +│ -j MASQUERADE --random-fully/);
    await press(app, 'n');
    await waitForFrame(app, (x) => /line 43\/58/.test(x), 'the next match');
    await press(app, 'N');
    await waitForFrame(app, (x) => /line 42\/58/.test(x), 'the previous match');
    await press(app, ':', ...'5', KEY.ENTER);
    f = await waitForFrame(app, (x) => /line 5\/58/.test(x), 'line 5');
    expect(f).toContain(':OUTPUT ACCEPT');
  });

  it('help is generated from the key map', async () => {
    const app = mount();
    await waitForFrame(app, (x) => x.includes('Root causes'));
    await press(app, '?');
    const f = await waitForFrame(app, (x) => x.includes('Keys'));
    expect(f).toMatch(/↑ k +move up/);
    expect(f).not.toContain('nav.up');
    expect(f).toMatch(/\/ +filter/);
  });

  it('w writes the fix commands of the finding on screen', async () => {
    const written: (readonly number[] | undefined)[] = [];
    const app = render(
      <App
        model={model}
        title="demo"
        size={SIZE}
        initialRoute={{ screen: 'detail', finding: 3 }}
        onWriteFix={(f) => (written.push(f), 'wrote it')}
      />,
    );
    await waitForFrame(app, (x) => x.includes('SYS-104'));
    await press(app, 'w');
    await waitForFrame(app, (x) => x.includes('wrote it'));
    expect(written).toEqual([[3]]);
  });

  it('short screens: the footer stays on the last line; below 40x8 it asks for a bigger terminal', async () => {
    for (const route of [
      { screen: 'overview' },
      { screen: 'findings' },
      { screen: 'evidence', node: 'worker-1' },
      { screen: 'trace' },
    ] as const) {
      const app = render(<App model={model} title="demo" size={{ columns: 80, rows: 8 }} initialRoute={route} />);
      const f = await waitForFrame(app, (x) => x.includes('esc back') || x.includes('q quit'));
      expect(lines(f)).toHaveLength(7);
      expect(lines(f)[0]).toMatch(/^netsnap demo/);
      expect(lines(f)[6]).toMatch(/^enter /);
      app.unmount();
    }
    const tiny = render(<App model={model} title="demo" size={{ columns: 80, rows: 5 }} />);
    const f = await waitForFrame(tiny, (x) => x.includes('at least 40x8'));
    expect(lines(f).length).toBeLessThanOrEqual(4);
    expect(lines(f).every((l) => l.length <= 80 && !l.endsWith('…'))).toBe(true);
  });

  it('uses a larger terminal: more rows and wider columns', async () => {
    const app = render(
      <App model={model} title="demo" size={{ columns: 200, rows: 50 }} initialRoute={{ screen: 'findings' }} />,
    );
    const f = await waitForFrame(app, (x) => x.includes('Findings'));
    expect(f).toContain('forward upstream 233.5.5.5 is multicast; did you mean 223.5.5.5?');
    expect(lines(f).length).toBeGreaterThan(23);
  });
});
