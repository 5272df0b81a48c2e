// `netsnap alerts` on the command line: output forms, -o, and one-line usage errors.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { run } from '../../analyzer/commands/alerts.js';

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  return { out: () => out, err: () => err };
}
afterEach(() => vi.restoreAllMocks());

describe('netsnap alerts', () => {
  it('prints a PrometheusRule by default and a rule file with --format rules', async () => {
    const c = capture();
    expect(await run([])).toBe(0);
    expect((parse(c.out()) as { kind: string }).kind).toBe('PrometheusRule');
    const d = capture();
    expect(await run(['--format', 'rules', '--coredns-selector', 'job="coredns"'])).toBe(0);
    const doc = parse(d.out()) as { groups: { rules: { expr: string }[] }[] };
    expect(doc.groups[0]?.rules[0]?.expr).toBe('absent(up{job="coredns"} == 1)');
  });

  it('-o writes the file; --runbook-base sets every runbook_url', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsnap-alerts-cli-'));
    try {
      capture();
      const file = join(dir, 'rules.yaml');
      expect(await run(['--format', 'rules', '-o', file, '--runbook-base', 'https://wiki.example/netsnap/rules'])).toBe(
        0,
      );
      const doc = parse(readFileSync(file, 'utf8')) as {
        groups: { rules: { annotations: { runbook_url: string } }[] }[];
      };
      const urls = doc.groups.flatMap((g) => g.rules.map((r) => r.annotations.runbook_url));
      expect(urls.length).toBe(10);
      for (const u of urls) expect(u).toMatch(/^https:\/\/wiki\.example\/netsnap\/rules#(dns|svc)-\d{3}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--format', 'prometheus'], /--format prometheus is not one of/, /did you mean prometheusrule/],
    [['--coredns-selector', 'job="x"} or vector(1)'], /--coredns-selector: not a label matcher/, /e\.g\./],
    [['--label', 'bad label=x'], /--label bad label=x is not K=V/, /see netsnap alerts -h/],
    [['--namespace', 'Not_A_Name'], /--namespace Not_A_Name is not a Kubernetes object name/, /see netsnap alerts -h/],
    [['--runbook-base', 'https://x/"><script>'], /--runbook-base must be a URL/, /see netsnap alerts -h/],
    [['-o', 'yaml'], /-o takes a file name/, /did you mean --format yaml/],
  ])('usage error %j: exit 2, one line and one hint', async (argv, what, hint) => {
    const c = capture();
    expect(await run(argv)).toBe(2);
    const lines = c.err().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^netsnap alerts: /);
    expect(lines[0]).toMatch(what);
    expect(lines[1]).toMatch(hint);
    expect(c.out()).toBe('');
  });
});
