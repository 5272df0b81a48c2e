// SVC-314: kube-proxy in IPVS mode without strictARP on a cluster with a layer-2 load-balancer
// announcer (MetalLB's speaker, kube-vip). IPVS mode binds every Service address, LoadBalancer IPs
// included, to kube-ipvs0 on every node; with Linux's default ARP settings every node then answers
// ARP for the LoadBalancer IP, so clients reach whichever node answered first instead of the one
// MetalLB/kube-vip elected, and connections break when that changes. strictARP makes kube-proxy set
// arp_ignore=1 / arp_announce=2 so only the announcer answers. MetalLB's install docs require it for
// IPVS mode; in BGP mode it does not matter, which the bundle cannot tell: hence a warning.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { Located, Snapshot } from '../../model/types.js';
import type { DaemonSet } from '../../model/schemas.js';
import { CLUSTER, basisOf, missingInputs } from '../lib/reports.js';
import { jsonEvidence, lineAt, present } from '../lib/host.js';
import { effectiveMode } from './kube-proxy-logs.js';

/** MetalLB's speaker or kube-vip, by image (`quay.io/metallb/speaker`, `ghcr.io/kube-vip/kube-vip`) */
const L2_IMAGE = /(^|\/)(metallb\/speaker|kube-vip\/kube-vip|kube-vip)(:|@|$)/;

function announcer(s: Snapshot): { ds: Located<DaemonSet>; image: string; evidence?: EvidenceRef } | undefined {
  for (const ds of s.cluster.daemonSets ?? []) {
    const containers = ds.obj.spec?.template?.spec?.containers ?? [];
    const i = containers.findIndex((c) => L2_IMAGE.test(c.image ?? ''));
    if (i >= 0)
      return {
        ds,
        image: containers[i]!.image ?? '',
        evidence: jsonEvidence(
          s,
          ds.ref,
          `${ds.ref.pointer}/spec/template/spec/containers/${i}/image`,
          'a layer-2 announcer',
        ),
      };
  }
  return undefined;
}

export const ipvsStrictArpOff: Rule = {
  id: 'SVC-314',
  slug: 'ipvs-strict-arp-off',
  layer: 'service',
  severity: 'warning',
  title: 'kube-proxy IPVS mode without strictARP next to a layer-2 load-balancer announcer',
  needs: ['cluster.configmap.kube-system.kube-proxy', 'cluster.daemonsets'],
  decidesFrom: [['cluster.configmap.kube-system.kube-proxy', 'cluster.daemonsets']],
  docs: {
    why: "In IPVS mode kube-proxy binds every Service address, LoadBalancer IPs included, to kube-ipvs0 on every node. With the kernel's default ARP settings every node then answers ARP for a LoadBalancer IP, so clients reach whichever node answered instead of the one MetalLB or kube-vip elected in layer-2 mode, and connections fail or flap. kube-proxy's ipvs.strictARP: true sets arp_ignore=1 and arp_announce=2 so only the announcer answers; MetalLB requires it with IPVS mode. BGP mode does not need it, and the bundle does not show which mode the announcer uses.",
    fix: 'Set `ipvs.strictARP: true` in the kube-proxy ConfigMap and restart kube-proxy (kubectl -n kube-system rollout restart ds/kube-proxy).',
  },
  messages: {
    off: 'kube-proxy runs IPVS mode with ipvs.strictARP {value} while {announcer} ({image}) announces LoadBalancer IPs: in layer-2 mode every node answers ARP for them',
    on: 'kube-proxy runs IPVS mode with ipvs.strictARP true',
    noAnnouncer: 'kube-proxy runs IPVS mode; no MetalLB speaker or kube-vip DaemonSet needs strictARP',
  },
  run(s) {
    const mode = effectiveMode(s);
    if (mode?.value !== 'ipvs') return [];
    const out: Report[] = [];
    const kp = s.cluster.kubeProxyConfig;
    if (!kp) return [missingInputs(CLUSTER, ['cluster.configmap.kube-system.kube-proxy'])];
    const strict = kp.value.ipvs?.strictARP;
    if (strict === true) return [{ status: 'pass', subject: CLUSTER, messageId: 'on', basis: basisOf(kp) }];
    if (!s.cluster.daemonSets) return [missingInputs(CLUSTER, ['cluster.daemonsets'])];
    const a = announcer(s);
    if (!a)
      return [{ status: 'pass', subject: CLUSTER, messageId: 'noAnnouncer', basis: basisOf(kp, s.cluster.daemonSets) }];
    const line = kp.value.lines.get('ipvs.strictARP') ?? kp.value.lines.get('ipvs');
    out.push({
      status: 'warn',
      subject: CLUSTER,
      messageId: 'off',
      data: {
        value: strict === false ? 'false' : 'unset',
        announcer: `${a.ds.obj.metadata.namespace ?? 'default'}/${a.ds.obj.metadata.name}`,
        image: a.image,
      },
      evidence: present(
        line !== undefined ? lineAt(s, kp.ref, line, 'strictARP is not on') : undefined,
        mode.evidence,
        a.evidence,
      ),
      basis: basisOf(kp, a.ds),
      remediation: {
        explanation:
          'Turn strictARP on in the kube-proxy configuration and restart kube-proxy (MetalLB documents the same edit).',
        commands: [
          "kubectl -n kube-system get configmap kube-proxy -o yaml | sed -e 's/strictARP: false/strictARP: true/' | kubectl apply -f - -n kube-system",
          'kubectl -n kube-system rollout restart daemonset kube-proxy',
        ],
      },
    });
    return out;
  },
};
