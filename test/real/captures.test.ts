// Complete captures of real nodes and clusters (fixtures/real/captures/): nothing in them is known
// to be broken, so the analyzer must not fail anything, must not give a verdict that rests on no
// collected file, must not crash, and must load them without errors beyond the ones each capture's
// PROVENANCE.md declares.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { subjectKey } from '../../analyzer/rules/types.js';
import {
  CAPTURES_DIR,
  captureAnalysis,
  captureBundleDirs,
  captureExpectedProblems,
  captureMeta,
  captureNames,
} from './cases.js';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));

const names = captureNames();
// the Distribution values of analyzer/model/types.ts; a capture of anything else (Canonical
// Kubernetes' k8s snap, a host without Kubernetes) must not be given one of them
const KNOWN_DISTRIBUTIONS = new Set([
  'kubeadm',
  'k3s',
  'rke2',
  'microk8s',
  'charmed',
  'kind',
  'eks',
  'gke',
  'aks',
  'openshift',
]);

describe('real captures', () => {
  it('there are at least 5, each with provenance `owner/repo:path@commit`', () => {
    expect(names.length).toBeGreaterThanOrEqual(5);
    expect(names.filter((n) => captureMeta(n).provenance.length === 0)).toEqual([]);
    const bad = names.flatMap((n) =>
      captureMeta(n)
        .provenance.filter((p) => !/^[\w.-]+\/[\w.-]+:\S+@[0-9a-f]{40}$/.test(p))
        .map((p) => `${n}: ${p}`),
    );
    expect(bad).toEqual([]);
  });

  for (const name of names) {
    describe(name, () => {
      const got = captureAnalysis(name);

      it('PROVENANCE.md names the origin of every bundle file, and the manifest lists exactly the files', () => {
        const provenance = readFileSync(join(CAPTURES_DIR, name, 'PROVENANCE.md'), 'utf8');
        for (const dir of captureBundleDirs(name)) {
          const files = filesUnder(dir)
            .map((f) => relative(dir, f))
            .filter((f) => f !== 'manifest.json')
            .sort();
          expect(
            files.filter((f) => !provenance.includes(`| \`${f}\``)),
            'files PROVENANCE.md does not name',
          ).toEqual([]);
          const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
            sources: { path: string; status: string; bytes: number }[];
          };
          const ok = manifest.sources.filter((r) => r.status === 'ok');
          expect(ok.map((r) => r.path).sort()).toEqual(files);
          expect(ok.filter((r) => r.bytes !== statSync(join(dir, r.path)).size).map((r) => r.path)).toEqual([]);
        }
      });

      it('detects the distribution the capture is (none when netsnap has no name for it)', async () => {
        const { snapshot } = await got;
        const want = captureMeta(name).distribution;
        const got_ = snapshot.derived.distribution?.value;
        if (KNOWN_DISTRIBUTIONS.has(want)) expect(got_).toBe(want);
        else expect([undefined, 'unknown']).toContain(got_);
      });

      it('no rule crashes', async () => {
        const { analysis } = await got;
        expect(
          analysis.findings
            .filter((f) => f.messageId === 'rule-error')
            .map((f) => `${f.ruleId}: ${String(f.data?.error)}`),
        ).toEqual([]);
      });

      it('no fail', async () => {
        const { analysis } = await got;
        const fails = analysis.findings
          .filter((f) => f.status === 'fail')
          .map((f) => `${f.ruleId} ${subjectKey(f.subject)} ${f.messageId} ${JSON.stringify(f.data ?? {})}`);
        expect(fails).toEqual([]);
      });

      it('no pass, warn or fail without a basis', async () => {
        const { analysis } = await got;
        const bare = analysis.findings
          .filter((f) => f.status !== 'unknown' && (f.basis ?? []).length === 0)
          .map((f) => `${f.ruleId} ${subjectKey(f.subject)} ${f.status}`);
        expect(bare).toEqual([]);
      });

      it('no load error beyond the ones PROVENANCE.md declares', async () => {
        const { snapshot } = await got;
        const expected = captureExpectedProblems(name);
        const unexpected = snapshot.problems
          .filter((p) => p.severity === 'error')
          .filter((p) => !expected.some((e) => p.file === e.file && p.message.includes(e.text)))
          .map((p) => `${p.bundle} ${p.file}${p.line ? `:${p.line}` : ''} ${p.message}`);
        expect(unexpected).toEqual([]);
      });
    });
  }
});
