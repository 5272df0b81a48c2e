// Issue 20 item 2, through the built binary: a usage error is one line `netsnap <cmd>: <what>` and
// one hint line, exit 2, never the help; a failed lookup lists the close candidates.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, netsnapAsync as netsnap, tmp } from './run.js';

describe.concurrent('usage errors: two lines, exit 2, no help', () => {
  it.each([
    [['analyze', '--formt', 'json'], 'netsnap analyze: unknown option --formt', 'did you mean --format?'],
    [['inspect', '--jsno'], 'netsnap inspect: unknown option --jsno', 'did you mean --json?'],
    [['trace', '--demo', '--form', 'x'], 'netsnap trace: unknown option --form', 'did you mean --from?'],
    [['rules', '--rule', 'x.yaml'], 'netsnap rules: unknown option --rule', 'did you mean --rules?'],
    [['analyze', '--demo', '--format'], 'netsnap analyze: --format needs a value', 'see netsnap analyze -h'],
    [
      ['analyze', '--demo', '--format', 'yaml'],
      'netsnap analyze: --format yaml is not one of text, json, markdown, html',
      'see netsnap analyze -h',
    ],
    [
      ['analyze', '--demo', '--fail-on', 'warn'],
      'netsnap analyze: --fail-on warn is not one of critical, warning, never',
      'did you mean warning?',
    ],
    [['analyze', '--demo', '--layer', 'dsn'], 'netsnap analyze: unknown layer "dsn"', 'did you mean dns?'],
    [
      ['analyze', '--demo', '-o', 'json'],
      'netsnap analyze: -o takes a file name, and "json" looks like a format',
      'did you mean --format json? (or -o ./json)',
    ],
    [['analyze'], 'netsnap analyze: no bundle given', 'see netsnap analyze -h'],
    [['trace', '--demo', '--to', 'x'], 'netsnap trace: give --from (a pod, node or IP)', 'see netsnap trace -h'],
    [
      ['trace', '--demo', '--from', 'a', '--to', 'b', '--proto', 'tpc'],
      'netsnap trace: --proto tpc is not one of tcp, udp, icmp, sctp',
      'did you mean tcp?',
    ],
    [['completion', 'powershell'], 'netsnap completion: no completion for "powershell"', 'use bash, zsh or fish'],
    [['anaylze'], 'netsnap: unknown command "anaylze"', 'did you mean analyze?'],
    [['--verison'], 'netsnap: unknown option --verison', 'see netsnap -h'],
  ])('netsnap %j', async (argv, what, hint) => {
    const r = await netsnap(argv);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([what, hint]);
    expect(r.out).toBe('');
  });
});

describe.concurrent('failed lookups list candidates', () => {
  it('rules nope: the name as typed, in quotes; close ids when there are some', async () => {
    expect((await netsnap(['rules', 'nope'])).errLines).toEqual([
      'netsnap rules: no rule "nope"',
      'run `netsnap rules` for the list',
    ]);
    const r = await netsnap(['rules', 'dns-40']);
    expect(r.code).toBe(2);
    expect(r.errLines[0]).toBe('netsnap rules: no rule "dns-40"');
    expect(r.errLines[1]).toMatch(/^did you mean DNS-401, DNS-402 or DNS-40\d\?$/);
  });

  it('rules takes a slug as well as an id, in any case', async () => {
    const byId = await netsnap(['rules', 'dns-402', '--json']);
    const id = (JSON.parse(byId.out) as { id: string; slug: string }[])[0]!;
    expect(id.id).toBe('DNS-402');
    const bySlug = await netsnap(['rules', id.slug, '--json']);
    expect(bySlug.out).toBe(byId.out);
  });

  it("trace --from web-1 (the README's example) on the demo names the web pods", async () => {
    const r = await netsnap(['trace', '--demo', '--from', 'web-1', '--to', 'kube-system/kube-dns:53']);
    expect(r.code).toBe(2);
    expect(r.errLines[0]).toBe('netsnap trace: --from "web-1" is not a node, a pod or an IP address in these bundles');
    expect(r.errLines[1]).toMatch(/^did you mean default\/web-[a-z0-9]+-[a-z0-9]+(, default\/web-[a-z0-9-]+)*\?$/);
    expect(r.errLines).toHaveLength(2);
  });

  it('trace --to with a typo names the service', async () => {
    const r = await netsnap(['trace', '--demo', '--from', 'worker-1', '--to', 'kube-system/kube-dsn:53']);
    expect(r.code).toBe(2);
    expect(r.errLines[1]).toBe('did you mean kube-system/kube-dns?');
  });

  it('trace --node that has no host data names the nodes that have', async () => {
    const r = await netsnap([
      'trace',
      '--demo',
      '--from',
      'worker-1',
      '--to',
      'kube-system/kube-dns:53',
      '--node',
      'worker-3',
    ]);
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([
      'netsnap trace: --node worker-3: no bundle has host data of that node',
      expect.stringMatching(/^did you mean worker-1|worker-2/),
    ]);
  });
});

describe('a reader that goes away', () => {
  it('netsnap rules --json | head -c 1: no EPIPE stack, exit 0', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${CLI}" rules --json 2>"$E" | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"; cat "$E"`,
      ],
      { encoding: 'utf8', env: { ...process.env, E: join(tmp('epipe'), 'err') } },
    );
    expect(r.stdout).toBe('0\n');
  });
});
