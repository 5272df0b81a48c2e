// DNS-407: hardening advice for the Corefile (the article's list, checked against CoreDNS's real
// options): several upstreams (a single explicit upstream has no fallback: warn), and cache, loop
// and reload present, health checks not disabled (max_fails 0): info. The kubeadm default passes.
// CoreDNS 1.10-1.11 has no forward `timeout` option (read timeout is fixed at 2s), so none is asked for.
import type { Report, Rule } from '../types.js';
import { isIp } from '../../model/net.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import {
  COREDNS_CM_SOURCE,
  corednsConfigMapSubject,
  corefileLines,
  forwardDirectives,
  hasPlugin,
  isFileUpstream,
  upstreamAddress,
} from './corefile.js';

const subject = corednsConfigMapSubject;
const EDIT = [
  'kubectl -n kube-system edit configmap coredns',
  'kubectl -n kube-system rollout restart deployment coredns',
];

export const corednsHardening: Rule = {
  id: 'DNS-407',
  slug: 'coredns-hardening',
  layer: 'dns',
  severity: 'warning',
  title: 'CoreDNS Corefile hardening (upstream fallback, cache, loop, reload)',
  needs: [COREDNS_CM_SOURCE],
  docs: {
    why: 'A single explicit upstream is a single point of failure for every external lookup; forward tries other upstreams only when there are some. cache absorbs bursts and upstream blips, loop turns a forwarding loop into a clear crash instead of a storm, reload applies ConfigMap edits without a restart, and max_fails 0 disables the health checks that take a dead upstream out of rotation.',
    fix: 'List two or more upstreams (`forward . 223.5.5.5 223.6.6.6`) or forward to /etc/resolv.conf, and keep `cache 30`, `loop` and `reload` as in the kubeadm default Corefile.',
  },
  messages: {
    'single-upstream': 'forward {zone} has a single upstream {upstream} and no fallback',
    'no-cache': 'the Corefile has no cache plugin',
    'no-loop': 'the Corefile has no loop plugin: a forwarding loop would not be detected',
    'no-reload': 'the Corefile has no reload plugin: ConfigMap edits need a restart',
    'health-checks-off': 'forward {zone} sets max_fails 0: dead upstreams stay in rotation',
    ok: 'the Corefile follows the hardening advice',
  },
  decidesFrom: [[COREDNS_CM_SOURCE]],
  run(s) {
    const cf = s.cluster.corefile;
    if (!cf) return [missingInputs(subject, [COREDNS_CM_SOURCE])];
    const out: Report[] = [];
    const firstServer = cf.value.servers[0];
    const serverEv = firstServer ? corefileLines(s, firstServer.line, firstServer.line, 'the server block') : undefined;
    for (const fwd of forwardDirectives(s)) {
      const ev = corefileLines(s, fwd.directive.line, fwd.directive.line, 'the forward line');
      const addresses = fwd.to.filter((t) => !isFileUpstream(t) && isIp(upstreamAddress(t)));
      if (fwd.to.length === 1 && addresses.length === 1) {
        out.push({
          status: 'warn',
          subject,
          messageId: 'single-upstream',
          data: { zone: fwd.zone, upstream: upstreamAddress(addresses[0] as string) },
          evidence: ev ? [ev] : [],
          remediation: {
            explanation:
              'Add a second upstream (or use /etc/resolv.conf) so one dead resolver does not stop all external lookups.',
            commands: EDIT,
          },
        });
      }
      const maxFails = fwd.directive.block?.find((d) => d.name === 'max_fails');
      if (maxFails?.args[0] === '0') {
        const mev = corefileLines(s, maxFails.line, maxFails.line, 'max_fails 0');
        out.push({
          status: 'warn',
          severity: 'info',
          subject,
          messageId: 'health-checks-off',
          data: { zone: fwd.zone },
          evidence: mev ? [mev] : [],
          remediation: { explanation: 'Remove max_fails 0 (default 2).', commands: EDIT },
        });
      }
    }
    for (const [plugin, messageId] of [
      ['cache', 'no-cache'],
      ['loop', 'no-loop'],
      ['reload', 'no-reload'],
    ] as const) {
      if (hasPlugin(s, plugin)) continue;
      out.push({
        status: 'warn',
        severity: 'info',
        subject,
        messageId,
        evidence: serverEv ? [serverEv] : [],
        remediation: {
          explanation: `Add \`${plugin}${plugin === 'cache' ? ' 30' : ''}\` to the server block.`,
          commands: EDIT,
        },
      });
    }
    if (out.length === 0) out.push({ status: 'pass', subject, messageId: 'ok', basis: basisOf(cf) });
    return out;
  },
};
