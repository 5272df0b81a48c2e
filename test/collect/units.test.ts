// The pure and local parts of netsnap collect: node lists, the ssh command line (run for real
// through sh), outcomes, the base64 decoder, the summary table, and the fan-out with a fake runner
// (concurrency, Ctrl-C, a re-run into the same folder, half-written files).
import { collectorArgsFor } from '../../analyzer/commands/collect.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCollectionIndex, type CollectionIndex } from '../../analyzer/bundle/collection-index.js';
import { Base64Decoder } from '../../analyzer/collect/base64.js';
import { nodesFromList, parseNodeList } from '../../analyzer/collect/nodes.js';
import { sshOutcome } from '../../analyzer/collect/outcome.js';
import { POD_WRAPPER, podName } from '../../analyzer/collect/pod.js';
import { summaryTable } from '../../analyzer/collect/progress.js';
import { runCollection, type NodeRunner } from '../../analyzer/collect/run.js';
import type { SpawnResult } from '../../analyzer/collect/spawn-to-file.js';
import { spawnToFile } from '../../analyzer/collect/spawn-to-file.js';
import { remoteCommand, sshArgv } from '../../analyzer/collect/ssh.js';

const work = mkdtempSync(join(tmpdir(), 'netsnap-collect-units-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('node lists', () => {
  it('reads host, user@host, name=host, commas and lines, # comments', () => {
    const r = parseNodeList('w1, admin@10.0.0.2\n# a comment\nworker-3=10.0.0.3 # trailing\n', 'nodes.txt');
    expect(r).toEqual({
      ok: true,
      nodes: [
        { node: 'w1', target: 'w1', named: false },
        { node: 'admin@10.0.0.2', target: 'admin@10.0.0.2', named: false },
        { node: 'worker-3', target: '10.0.0.3', named: true },
      ],
    });
  });

  it('refuses what ssh would read as an option, blanks, control characters, duplicates and nothing', () => {
    expect(parseNodeList('-oProxyCommand=touch /tmp/x', '--nodes')).toMatchObject({ ok: false });
    expect(parseNodeList('w1=-oProxyCommand=x', '--nodes')).toMatchObject({ ok: false });
    expect(parseNodeList('w\u001b[31m1', '--nodes')).toMatchObject({ ok: false });
    expect(parseNodeList('w1,w1', '--nodes')).toEqual({ ok: false, message: '--nodes: node "w1" is listed twice' });
    expect(parseNodeList(' , \n#x\n', 'f')).toEqual({ ok: false, message: 'f: no node listed' });
  });

  it("takes the cluster's Nodes at the address type asked for, skipping unsafe addresses", () => {
    const list = JSON.stringify({
      items: [
        {
          metadata: { name: 'cp' },
          status: {
            addresses: [
              { type: 'InternalIP', address: '10.0.0.1' },
              { type: 'Hostname', address: 'cp' },
            ],
          },
        },
        { metadata: { name: 'w1' }, status: { addresses: [{ type: 'InternalIP', address: '-oProxyCommand=x' }] } },
        { metadata: { name: 'w2' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.3' }] } },
      ],
    });
    expect(nodesFromList(list, 'InternalIP')).toEqual({
      ok: true,
      nodes: [
        { node: 'cp', target: '10.0.0.1', named: true },
        { node: 'w2', target: '10.0.0.3', named: true },
      ],
    });
    expect(nodesFromList(list, 'ExternalIP')).toMatchObject({ ok: false });
    expect(nodesFromList('not json', 'InternalIP')).toMatchObject({ ok: false });
  });
});

describe('the ssh command', () => {
  it('BatchMode, options passed through, -- before the target, never StrictHostKeyChecking=no', () => {
    const argv = sshArgv({ sudo: true, configFile: '/c', jump: 'bastion', user: 'ops', options: ['Port=2222'] }, 'w1', [
      '--no-cluster',
      '-o',
      '-',
    ]);
    expect(argv.slice(0, -1)).toEqual([
      'ssh',
      '-o',
      'BatchMode=yes',
      '-T',
      '-F',
      '/c',
      '-J',
      'bastion',
      '-l',
      'ops',
      '-o',
      'Port=2222',
      '--',
      'w1',
    ]);
    expect(argv.join(' ')).not.toContain('StrictHostKeyChecking');
    expect(argv.at(-1)).toMatch(/^sudo -n sh -c /);
  });

  it('the remote command runs the script from stdin with its arguments, quoting intact (real sh)', async () => {
    const script = 'printf "[%s]" "$@"; printf "stdin:%s" "$(cat)"';
    const cmd = remoteCommand(['--node', "it's a $(node)", '-o', '-'], false);
    const r = await spawnToFile({ argv: ['sh', '-c', cmd], stdin: script, captureStdout: true, timeoutMs: 5000 });
    // the script sees exactly its arguments, and stdin is already consumed (nothing can eat the script)
    expect(r.stdoutText).toBe("[--node][it's a $(node)][-o][-]stdin:");
  });
});

const result = (over: Partial<SpawnResult>): SpawnResult => ({
  exitCode: 0,
  timedOut: false,
  aborted: false,
  bytes: 10,
  stderrTail: '',
  stdoutText: '',
  durationMs: 5,
  ...over,
});

describe('outcomes', () => {
  it('tells ok, timeout, interrupted, refused key, sudo password, unreachable and failed apart', () => {
    const o = (r: Partial<SpawnResult>, gz = false) => sshOutcome(result(r), gz, 30).outcome;
    expect(o({}, true)).toBe('ok');
    expect(o({ exitCode: null, timedOut: true })).toBe('timeout');
    expect(o({ exitCode: null, aborted: true })).toBe('interrupted');
    expect(o({ exitCode: 255, stderrTail: 'root@w1: Permission denied (publickey).\n' })).toBe('denied');
    expect(o({ exitCode: 1, stderrTail: 'sudo: a password is required\n' })).toBe('denied');
    expect(o({ exitCode: 255, stderrTail: 'ssh: connect to host w1 port 22: No route to host\n' })).toBe('unreachable');
    expect(o({ exitCode: 255, stderrTail: 'Host key verification failed.\n' })).toBe('unreachable');
    expect(o({ exitCode: 2, stderrTail: 'netsnap: error: cannot create a staging directory\n' })).toBe('failed');
    expect(o({ exitCode: 0 }, false)).toBe('failed');
  });
});

describe('base64 from the pod log', () => {
  it('decodes 76-column lines split at any byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));
    const text = (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n') + '\n';
    for (const step of [1, 3, 5, 77, 4096]) {
      const d = new Base64Decoder();
      const out: Buffer[] = [];
      d.on('data', (c: Buffer) => out.push(c));
      const src = new PassThrough();
      src.pipe(d);
      for (let i = 0; i < text.length; i += step) src.write(text.slice(i, i + step));
      src.end();
      await new Promise((res) => d.on('end', res));
      expect(Buffer.concat(out).equals(bytes), `step ${step}`).toBe(true);
    }
  });

  it('pod names are DNS labels of at most 63 characters', () => {
    expect(podName('Worker_1.example.com', 'ab1c2')).toBe('netsnap-collect-worker-1-example-com-ab1c2');
    expect(podName('x'.repeat(100), 'ab1c2').length).toBeLessThanOrEqual(63);
  });
});

describe('the summary table', () => {
  it('draws node names and errors from the network inert', () => {
    const ix: CollectionIndex = {
      formatVersion: 1,
      tool: 't',
      mode: 'ssh',
      startedAt: 'x',
      finishedAt: 'y',
      complete: true,
      timeoutSeconds: 1,
      concurrency: 1,
      cluster: { outcome: 'skipped', bundle: null, durationMs: null, error: '--no-cluster' },
      nodes: [
        {
          node: 'w1\u001b]52;c;ZXZpbA==\u0007',
          target: 'w1',
          via: 'ssh',
          privilege: 'sudo',
          outcome: 'failed',
          bundle: null,
          bytes: 0,
          exitCode: 1,
          startedAt: null,
          durationMs: 1500,
          error: 'boom\u001b[2J',
        },
      ],
    };
    const t = summaryTable(ix);
    expect(t).not.toMatch(/\u001b|\u0007/);
    expect(t).toContain('failed');
    expect(t).toContain('1 node(s): failed=1');
  });
});

function indexIn(dir: string): CollectionIndex {
  const p = parseCollectionIndex(readFileSync(join(dir, 'collection.json')));
  if (!p.ok) throw new Error(p.message);
  return p.index;
}

const gz = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const nodes = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ node: `n${i}`, target: `10.0.0.${i}`, named: true }));

describe('the fan-out', () => {
  it('keeps at most -j nodes running, streams ok bundles to their names, removes half-written ones', async () => {
    const dir = mkdtempSync(join(work, 'fan-'));
    let running = 0;
    let peak = 0;
    const runner: NodeRunner = async (t, ctx) => {
      running++;
      peak = Math.max(peak, running);
      writeFileSync(ctx.outFile, gz);
      ctx.onBytes(gz.length);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      const bad = t.node === 'n3';
      return { outcome: bad ? 'failed' : 'ok', error: bad ? 'exit 2' : '', exitCode: bad ? 2 : 0, privilege: 'sudo' };
    };
    const ix = await runCollection({
      outDir: dir,
      mode: 'ssh',
      nodes: nodes(12),
      concurrency: 4,
      timeoutSeconds: 5,
      tool: 't',
      runner,
      cluster: { skipped: 'test' },
      signal: new AbortController().signal,
    });
    expect(peak).toBe(4);
    expect(ix.complete).toBe(true);
    expect(ix.nodes.filter((n) => n.outcome === 'ok')).toHaveLength(11);
    expect(ix.nodes[3]).toMatchObject({ outcome: 'failed', bundle: null, bytes: 0, error: 'exit 2' });
    expect(ix.nodes[0]).toMatchObject({ outcome: 'ok', bundle: 'netsnap-n0.tar.gz', bytes: gz.length });
    const files = readdirSync(dir);
    expect(files).not.toContain('netsnap-n3.tar.gz');
    expect(files.filter((f) => f.includes('.part') || f.includes('.tmp'))).toEqual([]);
    expect(indexIn(dir)).toEqual(ix);
  });

  it('Ctrl-C: running nodes interrupted, the rest pending, the index on disk says so', async () => {
    const dir = mkdtempSync(join(work, 'abort-'));
    const ac = new AbortController();
    const runner: NodeRunner = (_t, ctx) =>
      new Promise((resolve) => {
        setTimeout(() => ac.abort(), 20);
        ctx.signal.addEventListener('abort', () =>
          resolve({ outcome: 'interrupted', error: 'interrupted (Ctrl-C)', exitCode: null, privilege: 'sudo' }),
        );
      });
    const ix = await runCollection({
      outDir: dir,
      mode: 'ssh',
      nodes: nodes(5),
      concurrency: 2,
      timeoutSeconds: 5,
      tool: 't',
      runner,
      cluster: { skipped: 'test' },
      signal: ac.signal,
    });
    expect(ix.nodes.map((n) => n.outcome)).toEqual(['interrupted', 'interrupted', 'pending', 'pending', 'pending']);
    expect(ix.complete).toBe(false);
    expect(indexIn(dir).nodes.map((n) => n.outcome)).toEqual(ix.nodes.map((n) => n.outcome));
    expect(readdirSync(dir)).toEqual(['collection.json']);
  });

  it('a re-run into the same folder replaces the records of the nodes collected again, keeps the others', async () => {
    const dir = mkdtempSync(join(work, 'rerun-'));
    const plan = (ns: typeof nodes extends (n: number) => infer R ? R : never, outcome: 'ok' | 'timeout') => ({
      outDir: dir,
      mode: 'ssh' as const,
      nodes: ns,
      concurrency: 2,
      timeoutSeconds: 5,
      tool: 't',
      runner: (async (_t, ctx) => {
        writeFileSync(ctx.outFile, gz);
        return {
          outcome,
          error: outcome === 'ok' ? '' : 'slow',
          exitCode: outcome === 'ok' ? 0 : null,
          privilege: 'sudo',
        };
      }) satisfies NodeRunner,
      cluster: { skipped: 'test' },
      signal: new AbortController().signal,
    });
    await runCollection(plan(nodes(3), 'timeout'));
    const ix = await runCollection(plan(nodes(3).slice(1, 2), 'ok'));
    expect(ix.nodes.map((n) => [n.node, n.outcome])).toEqual([
      ['n0', 'timeout'],
      ['n2', 'timeout'],
      ['n1', 'ok'],
    ]);
  });
});

describe('the pod wrapper, for real (root)', () => {
  const why = process.getuid?.() !== 0 ? 'not root: mount namespaces need root' : undefined;
  if (why) console.log(`pod wrapper test skipped: ${why}`);
  it.skipIf(why !== undefined)(
    'chroots into a read-only host root with a scratch /tmp and prints the bundle as base64',
    async () => {
      const r = mkdtempSync(join(work, 'podroot-'));
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(r, 'host'));
      mkdirSync(join(r, 'scratch'));
      // as the kubelet mounts it: / read-only at /host, an emptyDir over /host/tmp
      const setup = [
        'set -e',
        `mount --rbind / ${r}/host`,
        `mount -o remount,bind,ro ${r}/host`,
        `mount --bind ${r}/scratch ${r}/host/tmp`,
        'exec sh -c "$WRAPPER" netsnap-collect-wrapper --no-cluster -o - --timeout 5',
      ].join('\n');
      const script = readFileSync(new URL('../../collector/netsnap-collect.sh', import.meta.url), 'utf8');
      const res = await spawnToFile({
        argv: ['unshare', '-m', '--propagation', 'private', 'sh', '-c', setup],
        env: { ...process.env, WRAPPER: POD_WRAPPER, NETSNAP_SCRIPT: script, NETSNAP_HOST: join(r, 'host') },
        outFile: join(r, 'bundle.tar.gz'),
        transform: () => new Base64Decoder(),
        timeoutMs: 60_000,
      });
      expect(res.exitCode, res.stderrTail).toBe(0);
      expect(res.stderrTail).not.toContain('no chroot');
      const { execFileSync } = await import('node:child_process');
      const listing = execFileSync('tar', ['-tzf', join(r, 'bundle.tar.gz')], { encoding: 'utf8' });
      expect(listing).toContain('manifest.json');
      expect(listing).toContain('host/ip-addr.json');
      // the staging directory went to the scratch volume, and is gone again
      expect(readdirSync(join(r, 'scratch'))).toEqual([]);
    },
    60_000,
  );
});

describe('the cluster objects', () => {
  it('no kubectl on this machine: skipped with the reason, no empty cluster bundle', async () => {
    const { collectCluster } = await import('../../analyzer/collect/cluster.js');
    const dir = mkdtempSync(join(work, 'nokubectl-'));
    const path = process.env.PATH;
    process.env.PATH = dir; // nothing on PATH: spawn('kubectl') fails with ENOENT
    try {
      const c = await collectCluster({
        scriptPath: '/nonexistent',
        outDir: dir,
        timeoutSeconds: 5,
        signal: new AbortController().signal,
      });
      expect(c).toMatchObject({ outcome: 'skipped', bundle: null });
      expect(c.error).toContain('kubectl is not installed');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("the collector's arguments on each node", () => {
  const base = { commandTimeout: 20, probe: false, airGapped: false };
  it('streams the bundle back without cluster objects, named nodes by name', () => {
    expect(collectorArgsFor({ node: 'w1', named: true }, base)).toEqual([
      '--no-cluster',
      '-o',
      '-',
      '--timeout',
      '20',
      '--node',
      'w1',
    ]);
    expect(collectorArgsFor({ node: '10.0.0.3', named: false }, base)).not.toContain('--node');
  });
  it('passes --probe through, and --air-gapped only with it', () => {
    const w = { node: 'w1', named: true };
    expect(collectorArgsFor(w, { ...base, probe: true }).slice(-1)).toEqual(['--probe']);
    expect(collectorArgsFor(w, { ...base, probe: true, airGapped: true }).slice(-2)).toEqual([
      '--probe',
      '--air-gapped',
    ]);
    expect(collectorArgsFor(w, { ...base, airGapped: true })).not.toContain('--air-gapped');
  });
});
