// NET-208: the container runtime (containerd, CRI-O, dockershim) loads only ONE network config from
// /etc/cni/net.d: the first .conf/.conflist/.json file in lexicographic (byte) order. A leftover
// config that sorts first (10-calico.conflist after moving to flannel, containerd's own
// 10-containerd-net.conflist, a podman/cri-o bridge) silently wins over the CNI the cluster runs:
// pods get addresses from the wrong plugin (10.88.x.x, 10.22.x.x) or fail to start because the
// plugin's daemon is gone.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot, Sourced } from '../../model/types.js';
import type { CniConfList } from '../../parse/types.js';
import { basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { hostLinks, jsonEvidence } from '../lib/host.js';
import { flannelPresence } from './flannel-presence.js';
import { cmd, remedy, word } from '../../text/shell.js';

/** the extensions libcni's ConfFiles accepts */
const CONF_EXT = /\.(conf|conflist|json)$/;
/** plugins that are meant to come first and hand the pod to the cluster's CNI */
const META = new Set(['multus', 'multus-shim', 'danm', 'genie', 'cni-genie', 'meta']);

const fileName = (c: Sourced<CniConfList>): string => c.ref.path.slice(c.ref.path.lastIndexOf('/') + 1);
const mainType = (c: Sourced<CniConfList>): string | undefined => c.value.plugins[0]?.type;

/** the CNI plugin types the cluster's network runs, from what shows it; empty when nothing does */
function intendedTypes(s: Snapshot, host: HostState): Set<string> {
  const want = new Set<string>();
  const flannel = flannelPresence(s);
  if (flannel.state === 'in-use') want.add('flannel');
  const pods = s.cluster.pods ?? [];
  const has = (re: RegExp) =>
    pods.some((p) => re.test(p.obj.metadata.name) && p.obj.metadata.namespace !== 'default') ||
    (s.cluster.daemonSets ?? []).some((d) => re.test(d.obj.metadata.name));
  const calico = s.derived.components.get('calico');
  // a host's devices speak only when there is no pod list: a vxlan.calico left after a migration is no CNI
  const links = s.cluster.pods ? [] : (hostLinks(host)?.value ?? []);
  if (
    (calico && calico.value !== 'absent' && calico.value !== 'unknown') ||
    has(/^(calico-node|canal|rke2-canal)/) ||
    links.some((l) => l.ifname === 'vxlan.calico' || l.ifname.startsWith('cali'))
  )
    want.add('calico');
  if (has(/^cilium/) || links.some((l) => l.ifname.startsWith('cilium_'))) want.add('cilium-cni');
  if (has(/^weave-net/)) want.add('weave-net');
  return want;
}

export const cniConfigShadowed: Rule = {
  id: 'NET-208',
  slug: 'cni-config-shadowed',
  layer: 'network',
  severity: 'critical',
  title: "Another CNI config takes precedence over the cluster's",
  needs: ['host.cni.*', 'cluster.pods', 'cluster.daemonsets'],
  decidesFrom: [
    ['host.cni.*', 'cluster.pods'],
    ['host.cni.*', 'fact:components'],
    ['host.cni.*', 'host.ip-link'],
    ['host.cni.*'],
  ],
  docs: {
    why: "containerd, CRI-O and the kubelet's dockershim read /etc/cni/net.d and use only the first .conf, .conflist or .json file in lexicographic order. A config left behind by a previous CNI (10-calico.conflist after a move to flannel), by containerd's own install (10-containerd-net.conflist) or by podman/CRI-O that sorts before the cluster's config wins: new pods get addresses from a bridge no other node routes, or cannot start because the plugin's daemon is gone.",
    fix: "Move the stray file out of /etc/cni/net.d (keep a copy), leaving the cluster's config first, then restart the container runtime and recreate the pods that got addresses from the wrong plugin.",
  },
  messages: {
    shadowed:
      'on node {node} {winner} ({winnerType}) sorts before {intended} ({intendedType}) and is the config the runtime uses',
    several: 'on node {node} {count} CNI configs differ; the runtime uses only the first, {winner} ({winnerType})',
    first: 'on node {node} the runtime uses {winner} ({winnerType})',
  },
  explains: [
    { rule: 'SYS-108', match: 'same-node' },
    { rule: 'NET-204', match: 'same-node' },
    { rule: 'NET-201', match: 'same-node' },
  ],
  run(s) {
    const out: Report[] = [];
    for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
      const subject = nodeSubject(host.node);
      // byte order, as Go's sort.Strings: "10-calico.conflist" < "10-flannel.conflist" < "100-crio-bridge.conf"
      // k3s/microk8s point their containerd at their own CNI dir: /etc/cni/net.d is then not read at all
      const configs = (host.distroCni?.length ? host.distroCni : host.cni)
        .filter((c) => CONF_EXT.test(fileName(c)) && mainType(c) !== undefined)
        .sort((a, b) => (fileName(a) < fileName(b) ? -1 : fileName(a) > fileName(b) ? 1 : 0));
      if (configs.length === 0) {
        out.push(missingInputs(subject, ['host.cni.*']));
        continue;
      }
      const winner = configs[0]!;
      const winnerType = mainType(winner) as string;
      const pointer = (c: Sourced<CniConfList>) =>
        s.files.pointer(c.ref, '/plugins') === undefined ? '/type' : '/plugins/0/type';
      const ev = (c: Sourced<CniConfList>, note: string): EvidenceRef | undefined =>
        jsonEvidence(s, c.ref, pointer(c), note);
      const data = { node: host.node, winner: fileName(winner), winnerType, count: configs.length };
      if (META.has(winnerType)) {
        out.push({ status: 'pass', subject, messageId: 'first', data, basis: basisOf(...configs) });
        continue;
      }
      const want = intendedTypes(s, host);
      const intended = configs.find((c) => want.has(mainType(c) as string));
      if (want.size > 0 && !want.has(winnerType) && intended) {
        out.push({
          status: 'fail',
          subject,
          messageId: 'shadowed',
          data: { ...data, intended: fileName(intended), intendedType: mainType(intended) as string },
          evidence: [
            ev(winner, 'the first config: the only one the runtime loads'),
            ev(intended, "the cluster's CNI config, never used"),
          ].filter((e): e is EvidenceRef => e !== undefined),
          remediation: remedy(
            `Move ${fileName(winner)} out of /etc/cni/net.d so ${fileName(intended)} is first, restart the runtime, and recreate pods started on this node since.`,
            [
              `ls -l /etc/cni/net.d/`,
              cmd`mkdir -p /root/cni-backup && mv /etc/cni/net.d/${word('file', fileName(winner))} /root/cni-backup/`,
              'systemctl restart containerd  # or crio / docker',
              cmd`kubectl get pods -A -o wide --field-selector spec.nodeName=${word('node', host.node)}`,
            ],
          ),
        });
        continue;
      }
      const types = new Set(configs.map((c) => mainType(c)));
      if (want.size === 0 && types.size > 1) {
        out.push({
          status: 'warn',
          subject,
          messageId: 'several',
          data,
          evidence: configs
            .slice(0, 4)
            .map((c, i) =>
              ev(c, i === 0 ? 'the first config: the only one the runtime loads' : 'a config the runtime ignores'),
            )
            .filter((e): e is EvidenceRef => e !== undefined),
        });
        continue;
      }
      out.push({ status: 'pass', subject, messageId: 'first', data, basis: basisOf(...configs) });
    }
    return out.length ? out : [missingInputs({ kind: 'cluster', name: '' }, ['host.cni.*'])];
  },
};
