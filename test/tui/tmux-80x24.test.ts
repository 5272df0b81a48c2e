// Every TUI screen at exactly 80x24 in a real terminal (issue 20 item 8), through the built
// binary: `node dist/analyzer/cli.js analyze --demo` under tmux, driven with send-keys and read
// with capture-pane. Each test waits for screen content, never for a fixed time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTmux, Tmux } from './tmux-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'analyzer', 'cli.js');
const COLS = 80;
const ROWS = 24;

const reason = !hasTmux
  ? 'tmux is not installed (apt-get install tmux)'
  : !existsSync(CLI)
    ? `${CLI} is missing (npm run build)`
    : '';
if (reason) console.warn(`skipping the 80x24 tmux tests: ${reason}`);

const tmux = new Tmux(`netsnap-80x24-${process.pid}`);
const dirs: string[] = [];
afterAll(() => {
  tmux.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** the demo in a fresh directory (the fix file lands there); resolves once the overview is drawn */
async function demo(name: string): Promise<{ s: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'netsnap-tui-'));
  dirs.push(dir);
  const s = `t-${name}`;
  tmux.start(s, COLS, ROWS, dir, `node '${CLI}' analyze --demo`);
  await tmux.waitFor(s, (x) => x.includes('Root causes ('), 'the overview');
  return { s, dir };
}

const rows = (screen: string) => screen.split('\n');
const fits = (screen: string, cols = COLS) => rows(screen).every((l) => [...l].length <= cols);
/** the breadcrumb is the second line */
const crumb = (screen: string) => rows(screen)[1] ?? '';

// concurrent (vitest's maxConcurrency, 5): each test waits mostly for its own node process
describe
  .skipIf(!!reason)
  .concurrent('every screen at 80x24 (tmux, the built CLI on --demo)', { timeout: 150_000 }, () => {
    it('overview: the completeness line says what the text report says', async () => {
      const text = execFileSync('node', [CLI, 'analyze', '--demo', '--format', 'text', '--fail-on', 'never'], {
        encoding: 'utf8',
      });
      const section = text.slice(text.indexOf('DATA COMPLETENESS'));
      const unknown = section.split('\n').filter((l) => l.includes('? UNKN')).length;
      const { s } = await demo('overview');
      const screen = await tmux.waitFor(s, (x) => x.includes('Data completeness'), 'the completeness line');
      expect(fits(screen)).toBe(true);
      if (section.includes('every check had its inputs')) expect(screen).toMatch(/Data completeness +every check had/);
      else expect(screen).toMatch(new RegExp(`Data completeness +${unknown} checks? unknown`));
      expect(screen).not.toMatch(/sources missing/);
    });

    it('findings: the message column gets a fair share of 80 columns', async () => {
      const { s } = await demo('findings');
      tmux.keys(s, ':', 'findings', 'Enter');
      const screen = await tmux.waitFor(s, (x) => x.includes('MESSAGE'), 'the findings list');
      expect(fits(screen)).toBe(true);
      const header = rows(screen).find((l) => l.includes('MESSAGE')) ?? '';
      expect(COLS - header.indexOf('MESSAGE')).toBeGreaterThanOrEqual(30);
      expect(screen).toMatch(/SYS-104 +node:worker-1 +pod traffic leaving node worker/);
    });

    it('evidence tree: every file name is apart from its size', async () => {
      const { s } = await demo('tree');
      tmux.keys(s, ':', 'evidence', 'Enter');
      await tmux.waitFor(s, (x) => x.includes('Files'), 'the file tree');
      tmux.keys(s, '/', 'manifest', 'Enter');
      const screen = await tmux.waitFor(s, (x) => /›\s*manifest\.json/.test(x), 'manifest.json selected');
      expect(fits(screen)).toBe(true);
      expect(screen).toMatch(/manifest\.json +\d+(\.\d)? KB/);
      const sized = rows(screen).filter((l) => /\d (B|KB|MB)\b/.test(l.slice(0, 29)));
      expect(sized.length).toBeGreaterThan(5);
      for (const l of sized) expect(l.slice(0, 29)).toMatch(/ \d+(\.\d)? (B|KB|MB)$/);
    });

    it('file viewer: a long iptables rule wraps onto unnumbered rows instead of being cut', async () => {
      const { s } = await demo('viewer');
      tmux.keys(s, ':', 'evidence worker-1', 'Enter');
      await tmux.waitFor(s, (x) => x.includes('worker-1'), 'the tree');
      tmux.keys(s, '/', 'iptables-save.txt', 'Enter');
      await tmux.waitFor(s, (x) => /›\s+iptables-save/.test(x), 'the file selected');
      tmux.keys(s, 'Enter');
      await tmux.waitFor(s, (x) => /line 1\/\d+/.test(x), 'the file open');
      tmux.keys(s, ':', '106', 'Enter');
      const screen = await tmux.waitFor(s, (x) => /line 106\/\d+/.test(x), 'line 106');
      expect(fits(screen)).toBe(true);
      // the rule, rows joined: nothing of it is hidden
      const at = rows(screen).findIndex((l) => / 106 │ /.test(l));
      const rule = rows(screen)
        .slice(at, at + 3)
        .map((l) => l.slice(l.indexOf('│ ') + 2))
        .join('');
      expect(rule).toContain('-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING');
      // the continuation row has no line number (the viewer starts after the 28-column tree)
      expect(rows(screen)[at + 1]?.slice(29)).toMatch(/^\s+│ /);
      expect(crumb(screen)).toMatch(/iptables-save\.txt:106$/);
    });

    it('help: key names and whole sentences that wrap, no internal ids', async () => {
      const { s } = await demo('help');
      tmux.keys(s, '?');
      const screen = await tmux.waitFor(s, (x) => x.includes('Keys'), 'the help');
      expect(fits(screen)).toBe(true);
      expect(screen).toMatch(/↑ k +move up/);
      expect(screen).toMatch(/esc backspace ← +go back/);
      expect(screen).not.toMatch(/nav\.up|pane\.next|match\.next/);
      expect(screen).toMatch(/next match; without a search: next root cause, chain link or\n +deciding rule/);
      expect(rows(screen).some((l) => l.endsWith('…') && !l.includes('more lines'))).toBe(false);
    });

    it('Fix section: commands wrap under where they run', async () => {
      const { s } = await demo('fix');
      tmux.keys(s, ':', 'findings SYS-104', 'Enter');
      await tmux.waitFor(s, (x) => /› ✗ FAIL ◆ CRIT SYS-104/.test(x), 'the root cause first');
      tmux.keys(s, 'Enter');
      await tmux.waitFor(s, (x) => x.includes('Why it matters'), 'the SYS-104 detail');
      tmux.keys(s, 'G');
      const screen = await tmux.waitFor(s, (x) => x.includes('# on node worker-1'), 'the Fix section');
      expect(fits(screen)).toBe(true);
      const at = rows(screen).findIndex((l) => l.includes('# on node worker-1'));
      const cmd = rows(screen)
        .slice(at + 1, at + 3)
        .map((l) => l.replace(/^\s*(\$ )?/, ''))
        .join(' ');
      expect(cmd).toBe('iptables -t nat -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE');
      expect(screen).toMatch(/# with kubectl/);
      expect(rows(screen).some((l) => l.endsWith('…') && l.includes('$'))).toBe(false);
    });

    it('trace path: the deciding REJECT rule is quoted whole, wrapped', async () => {
      const { s } = await demo('trace');
      tmux.keys(s, ':', 'trace web-44x55ssjts-cjglt kube-system/kube-dns:53 udp', 'Enter');
      const screen = await tmux.waitFor(s, (x) => x.includes('Branch 1/1'), 'the traced path');
      expect(fits(screen)).toBe(true);
      expect(screen).toContain('✗ REJECTED');
      const at = rows(screen).findIndex((l) => l.trimStart().startsWith('-A KUBE-SERVICES'));
      const rule = rows(screen)
        .slice(at, at + 4)
        .map((l) => l.trim())
        .join(' ');
      expect(rule).toContain(
        '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns has no endpoints" -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable',
      );
    });

    it('too small: the notice itself fits 30x6, and 80x24 comes back', async () => {
      const { s } = await demo('small');
      tmux.run('resize-window', '-t', s, '-x', '30', '-y', '6');
      let screen = await tmux.waitFor(s, (x) => x.includes('40x8'), 'the too-small notice');
      expect(fits(screen, 30)).toBe(true);
      expect(rows(screen).some((l) => l.endsWith('…'))).toBe(false);
      expect(screen.replace(/\s+/g, ' ')).toMatch(
        /at least 40x8; this one is 30x6\. Make it larger, or press q to quit\./,
      );
      tmux.run('resize-window', '-t', s, '-x', String(COLS), '-y', String(ROWS));
      screen = await tmux.waitFor(s, (x) => x.includes('Root causes ('), 'the overview again');
      expect(fits(screen)).toBe(true);
    });

    it('breadcrumb: :findings from the traced path ends in findings; esc walks back to the path', async () => {
      const { s } = await demo('crumb');
      tmux.keys(s, 't');
      await tmux.waitFor(s, (x) => x.includes('pick the source'), 'the source picker');
      tmux.keys(s, 'Enter');
      await tmux.waitFor(s, (x) => x.includes('pick the destination'), 'the destination picker');
      tmux.keys(s, '/', '8.8.8.8:53', 'Enter');
      await tmux.waitFor(s, (x) => x.includes('the address you typed'), 'the typed address');
      tmux.keys(s, 'Enter');
      let screen = await tmux.waitFor(s, (x) => x.includes('Branch 1/1'), 'the traced path');
      expect(crumb(screen)).toMatch(/→ 8\.8\.8\.8:53$/);
      tmux.keys(s, ':', 'findings', 'Enter');
      screen = await tmux.waitFor(s, (x) => x.includes('MESSAGE'), 'the findings list');
      expect(crumb(screen)).toMatch(/^… › .* › findings$/);
      expect([...crumb(screen)].length).toBeLessThanOrEqual(COLS);
      tmux.keys(s, 'Escape');
      screen = await tmux.waitFor(s, (x) => x.includes('Branch 1/1'), 'the path again');
      expect(crumb(screen)).toMatch(/→ 8\.8\.8\.8:53$/);
    });

    it('q exits 0 and names netsnap-fix.md: sections by place, none mixing node and kubectl', async () => {
      const { s, dir } = await demo('quit');
      tmux.keys(s, 'q');
      const screen = await tmux.waitFor(s, (x) => x.includes('EXIT='), 'the process exit');
      expect(screen).toContain('EXIT=0');
      expect(tmux.flags(s)).toBe('0 1');
      const file = join(dir, 'netsnap-fix.md');
      expect(tmux.joined(s)).toContain(`netsnap: wrote ${file}: fixes for 4 findings by place`);
      const md = readFileSync(file, 'utf8');
      expect(md).not.toMatch(/^#!/);
      const sections = md.split(/^## /m).slice(1);
      const titles = sections.map((x) => x.split('\n')[0]);
      expect(titles).toEqual(['On node `worker-1`', 'With kubectl (any machine with cluster access)']);
      const commands = (x: string) =>
        (/```sh\n([\s\S]*?)```/.exec(x)?.[1] ?? '').split('\n').filter((l) => l && !l.startsWith('#'));
      const [node, kubectl] = sections.map(commands);
      expect(node?.[0]).toMatch(/^\[ "\$\(hostname\)" = worker-1 \] \|\| exit 1/);
      expect(node?.slice(1)).toEqual([
        'iptables -t nat -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE',
      ]);
      expect(kubectl?.length).toBeGreaterThan(3);
      expect(kubectl?.every((l) => l.startsWith('kubectl '))).toBe(true);
    });

    it('w on a finding writes only its fixes; quitting then names that file; Ctrl-C exits 0', async () => {
      const { s, dir } = await demo('write');
      tmux.keys(s, ':', 'findings DNS-406', 'Enter');
      await tmux.waitFor(s, (x) => x.includes('Findings 1/1'), 'the filtered list');
      tmux.keys(s, 'Enter');
      await tmux.waitFor(s, (x) => x.includes('Why it matters'), 'the DNS-406 detail');
      tmux.keys(s, 'w');
      await tmux.waitFor(s, (x) => x.includes('wrote netsnap-fix.md: fixes for 1 finding'), 'the footer message');
      tmux.keys(s, 'C-c');
      const screen = await tmux.waitFor(s, (x) => x.includes('EXIT='), 'the process exit');
      expect(screen).toContain('EXIT=0');
      expect(tmux.joined(s)).toContain(`netsnap: wrote ${join(dir, 'netsnap-fix.md')}: fixes for 1 finding`);
      const md = readFileSync(join(dir, 'netsnap-fix.md'), 'utf8');
      expect(md).toContain('# DNS-406/service:kube-system/kube-dns');
      expect(md).not.toContain('DNS-402');
      expect(md).not.toContain('## On node');
    });
  });
