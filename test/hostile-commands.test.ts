// Issue 19, item 2: every scenario re-analyzed with hostile names planted in its bundles (node,
// namespace, pod and Service names carrying `$(`, backticks, `;`, `|`, `&` and newlines). No
// suggested command may carry any of them outside a single-quoted word: each planted
// metacharacter is followed by the marker PWN, so "no PWN outside quotes" covers them all.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../analyzer/model/load.js';
import { analyze } from '../analyzer/causal/analyze.js';
import type { Finding } from '../analyzer/rules/types.js';
import { bundlePaths, scenarioNames } from './scenario-helpers.js';

const NODE = 'worker-1$(touch${IFS}PWN1);PWN2|PWN3&PWN4`PWN5`';
// [from, to] applied to every file; the JSON-only ones may carry an escaped newline
const EVERYWHERE: readonly [string, string][] = [['worker-1', NODE]];
const JSON_ONLY: readonly [string, string][] = [
  ['"shop"', '"shop;PWN6"'],
  ['"web"', '"web\\nPWN7"'],
  ['coredns-rj7zflzdqv-', 'coredns-$(PWN8)-'],
  ['kube-flannel-ds-', 'kube-flannel-ds-|PWN9-'],
  ['"kube-proxy-', '"kube-proxy-`PWN10`-'],
];

const work = mkdtempSync(join(tmpdir(), 'netsnap-hostile-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function plant(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      plant(p);
      continue;
    }
    let text = readFileSync(p, 'utf8');
    for (const [a, b] of EVERYWHERE) text = text.split(a).join(b);
    if (name.endsWith('.json')) for (const [a, b] of JSON_ONLY) text = text.split(a).join(b);
    writeFileSync(p, text);
  }
}

/** the command with every single-quoted word removed: what the shell would interpret */
const unquoted = (command: string): string => command.replace(/'[^']*'/g, "''");

describe('suggested commands from hostile names', () => {
  const all: { scenario: string; finding: Finding; command: string }[] = [];

  it('plants hostile names in every scenario and analyzes them', { timeout: 240_000 }, async () => {
    for (const name of scenarioNames()) {
      const paths = bundlePaths(name).map((p) => {
        const to = join(work, name, p.split('/').pop() as string);
        cpSync(p, to, { recursive: true });
        plant(to);
        return to;
      });
      const { snapshot } = await loadSnapshot(paths);
      for (const f of analyze(snapshot).findings)
        for (const command of f.remediation?.commands ?? []) all.push({ scenario: name, finding: f, command });
    }
    expect(all.length).toBeGreaterThan(100);
  });

  it('no command carries $(, a backtick, a newline or a planted ; | & outside single quotes', () => {
    const leaks = all
      .filter(({ command }) => /PWN|\$\(|`|\n/.test(unquoted(command)))
      .map(({ scenario, finding, command }) => `${scenario} ${finding.ruleId}: ${command}`);
    expect(leaks).toEqual([]);
  });

  it('a name that is not a Kubernetes name is not written at all: the command shows <node> and the explanation says why', () => {
    // BND-904's `ssh <node> ...` is a placeholder of its own (it names no node), not a withheld value
    const withheld = all.filter(({ command }) => command.includes('<node>') && !command.startsWith('ssh <node>'));
    expect(withheld.length).toBeGreaterThan(0);
    for (const { finding } of withheld)
      expect(finding.remediation?.explanation).toContain(
        '<node> instead of a value that is not a Kubernetes node name',
      );
    expect(all.some(({ command }) => command.includes('PWN'))).toBe(false);
  });

  it('no rule source builds a command from a plain template literal: values go through cmd`…`', () => {
    // a template literal that starts like a command and interpolates, without the cmd tag
    const RAW_COMMAND =
      /(?<!cmd)`(?:kubectl|ip|iptables|ip6tables|nft|journalctl|systemctl|sysctl|firewall-cmd|sudo|sudoedit|netsnap|echo|ls|mkdir|mv|ssh|modprobe|conntrack|cat|grep|juju|update-alternatives)\b[^`]*\$\{/;
    const root = new URL('../analyzer/rules/', import.meta.url).pathname;
    const offenders = (readdirSync(root, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .flatMap((f) => {
        const lines = readFileSync(join(root, f), 'utf8').split('\n');
        // the call a line is an argument of: the line itself and the few before it (formatted code)
        return lines.map((line, i) => ({ f, i, line, call: lines.slice(Math.max(0, i - 4), i + 1).join('\n') }));
      })
      // evidence notes ("nft lists table ip nat: ...") are prose, not commands
      .filter(({ line, call }) => RAW_COMMAND.test(line) && !/lineAt\(|Evidence\(/.test(call))
      .map(({ f, i, line }) => `${f}:${i + 1}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
