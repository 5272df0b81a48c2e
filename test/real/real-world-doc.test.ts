// docs/real-world.md is generated from the real-case corpus and must match it: a new incident or
// capture, or a rule change that moves the score, needs the page regenerated.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectRealWorld, renderRealWorldDoc, REAL_WORLD_DOC, type RealWorld } from './real-world-doc.js';

describe('docs/real-world.md', () => {
  it('is generated from fixtures/real (REAL_WORLD_DOC=write npx vitest run test/real/real-world-doc.test.ts)', async () => {
    const doc = renderRealWorldDoc(await collectRealWorld());
    if (process.env.REAL_WORLD_DOC === 'write') writeFileSync(REAL_WORLD_DOC, doc);
    expect(existsSync(REAL_WORLD_DOC) ? readFileSync(REAL_WORLD_DOC, 'utf8') : '').toBe(doc);
  }, 300_000);

  it('lists every family with its counts, every case with provenance and roots, every capture with its result', () => {
    const rw: RealWorld = {
      incidents: [
        {
          name: 'dns-a',
          case: {
            title: 't',
            family: 'coredns',
            provenance: ['coredns/coredns#1'],
            versions: { coredns: '1.2.6' },
            expected: { roots: [{ rule: 'DNS-403' }] },
          },
          ok: true,
          missed: [],
          wrong: [],
        },
        {
          name: 'dns-b',
          case: { title: 't', family: 'coredns', provenance: ['coredns/coredns#2'], expected: { roots: [] } },
          ok: false,
          missed: [],
          wrong: ['DNS-402 configmap:kube-system/coredns'],
        },
        {
          name: 'fl-a',
          case: {
            title: 't',
            family: 'flannel',
            distribution: 'k3s',
            provenance: ['k3s-io/k3s#3'],
            expected: { roots: [{ rule: 'NET-201', subject: 'node:a' }] },
          },
          ok: false,
          missed: ['NET-201 node:a'],
          wrong: [],
        },
      ],
      captures: [
        {
          name: 'cap',
          meta: { title: 'A k3s node', distribution: 'k3s', provenance: ['o/r:p@abc'] },
          fails: ['SVC-304 service:a/b'],
        },
      ],
    };
    const doc = renderRealWorldDoc(rw);
    expect(doc).toContain('- Incidents: **1/3** confirmed causes named as root (33%); 1 with a wrong root cause.');
    expect(doc).toContain('- Captures: **0/1** with no `fail`.');
    expect(doc).toContain('| coredns | 2 | 1 | 1 |');
    expect(doc).toContain('| flannel | 1 | 0 | 0 |');
    expect(doc).toContain('| `dns-a` | coredns | coredns 1.2.6 | coredns/coredns#1 | `DNS-403` | pass |');
    expect(doc).toContain(
      '| `dns-b` | coredns |  | coredns/coredns#2 | none (expected behaviour) | wrong root `DNS-402 configmap:kube-system/coredns` |',
    );
    expect(doc).toContain('| `fl-a` | flannel | k3s | k3s-io/k3s#3 | `NET-201 node:a` | missed `NET-201 node:a` |');
    expect(doc).toContain('| `cap`<br>A k3s node | k3s | `o/r:p@abc` | `SVC-304 service:a/b` |');
  });
});
