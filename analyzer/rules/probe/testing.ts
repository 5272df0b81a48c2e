// Test-only builders for the probe rules: the real captured flannel node (worker-1, 192.168.56.11,
// pod subnet 10.244.1.0/24; lib/host-testing.ts) with a host/probes.json of the given probes, from the
// host and from pod default/web-1 (10.244.1.5).
import type { Snapshot } from '../../model/types.js';
import { snapshotOf, sourceRecord } from '../../model/testing.js';
import { probeJson, probesJson } from '../../model/testing-probes.js';
import type { Probe, Probes } from '../../zod/probes.js';
import { capturedNode } from '../lib/host-testing.js';
import type { TesterCases } from '../testing.js';

export { probeJson };
export const POD = 'pod:default/web-1@worker-1';
export const HOST = 'node:worker-1';

export function probedNode(
  probes: readonly Probe[],
  over: Partial<Omit<Probes, 'probes'>> = {},
  files: Record<string, string | object | null> = {},
): Snapshot {
  return snapshotOf(capturedNode('worker-1', { 'host/probes.json': probesJson('worker-1', probes, over), ...files }));
}

/** a bundle of the captured node collected without --probe: the probe rules do not apply */
export const unprobedNode = (): Snapshot => snapshotOf(capturedNode('worker-1'));

/** collected with --probe, but the probes failed (the manifest records host.probes failed, no file) */
export const probesFailedNode = (): Snapshot =>
  snapshotOf({
    ...capturedNode('worker-1'),
    extraSources: [
      sourceRecord('host/probes.json', {
        id: 'host.probes',
        status: 'timeout',
        exitCode: null,
        stderrTail: 'probe matrix stopped after 60 s',
      }),
    ],
  });

export const failed = (over: Partial<Probe> & Pick<Probe, 'check'>): Probe =>
  probeJson({ successes: 0, latencyMs: null, outcome: 'timeout', detail: 'nc: timed out', ...over });

/**
 * The table every per-check probe rule shares, for one probe of its check kind (its target first):
 * not applicable without --probe, pass when it answers, fail citing the failed probe on its vantage,
 * skipped judges nothing, host.probes failed → unknown naming it. `extra` cases go after the fail case.
 */
export function checkKindCases(
  probe: Pick<Probe, 'check' | 'target'>,
  extra: TesterCases['invalid'] = [],
): TesterCases {
  const { check } = probe;
  return {
    valid: [
      { name: 'collected without --probe: not applicable, no finding', snapshot: unprobedNode },
      { name: `${check} probes answer`, snapshot: () => probedNode([probeJson(probe)]) },
    ],
    invalid: [
      {
        name: `a ${check} probe times out: fail on its vantage, citing it`,
        snapshot: () => probedNode([probeJson({ ...probe, vantage: 'host' }), failed(probe)]),
        findings: [
          {
            status: 'fail',
            subject: POD,
            messageId: 'failed',
            data: { check, failed: 1, outcome: 'timeout', targetIps: probe.target.ip ?? '' },
            cites: ['host/probes.json#/probes/1'],
          },
          { status: 'pass', subject: HOST },
        ],
      },
      ...extra,
      {
        name: 'skipped probes judge nothing',
        snapshot: () => probedNode([probeJson({ ...probe, outcome: 'skipped', attempts: 0, successes: 0 })]),
        findings: [{ status: 'unknown', subject: POD, messageId: 'notJudged' }],
      },
      {
        name: 'asked for with --probe, but host.probes timed out: unknown, never pass',
        snapshot: probesFailedNode,
        findings: [
          { status: 'unknown', subject: 'node:worker-1', messageId: 'missing-inputs', missing: ['host.probes'] },
        ],
      },
    ],
  };
}
