// SVC-309: kube-proxy was told to run IPVS but runs the iptables proxier. Up to 1.25 kube-proxy
// checked the kernel modules (ip_vs, ip_vs_rr, ip_vs_wrr, ip_vs_sh, nf_conntrack[_ipv4]) and the
// ipset binary at start-up and, when one was missing, logged a warning and fell back to iptables:
// the cluster works, but not as configured (no IPVS scheduling, iptables at scale, ClusterIPs that
// do not answer ping). Since 1.26 it exits instead ("can't use the IPVS proxier"). Decided from the
// log alone (the fallback line), from the configured mode plus the proxier the log says started, or
// on the node: mode ipvs, `ipvsadm -Ln` without virtual servers or ip_vs missing from the loaded
// modules, while KUBE-SERVICES jumps to KUBE-SVC chains (only the iptables proxier writes those).
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { HostState, Snapshot } from '../../model/types.js';
import { knownLineEvidence } from '../../model/evidence.js';
import { CLUSTER, basisOf, missingInputs, nodeSubject } from '../lib/reports.js';
import { lineAt, present } from '../lib/host.js';
import { parseIpvsadm } from '../lib/host-proxy.js';
import { proxyDeployment } from './kube-proxy-facts.js';
import {
  configuredMode,
  effectiveMode,
  hitEvidence,
  proxyLogs,
  runningMode,
  searchProxyLogs,
} from './kube-proxy-logs.js';
import { cmd, remedy, word } from '../../text/shell.js';

// 1.8-1.9:  `Can't use ipvs proxier, trying iptables proxier`
// 1.9-1.10: `can't determine whether to use ipvs proxy, error: IPVS proxier will not be used because ...`
// 1.19-1.25: `Can't use the IPVS proxier: error getting ipset version, ...` (then "Using iptables Proxier")
const FELL_BACK =
  /Can't use ipvs proxier, trying iptables proxier|IPVS proxier will not be used|can't determine whether to use ipvs proxy|Can't use the IPVS proxier/;
// 1.26+: no fallback, kube-proxy exits: `"Error running ProxyServer" err="can't use the IPVS proxier: ..."`
const EXITS = /can't use the IPVS proxier/;

/** the first KUBE-SERVICES -> KUBE-SVC-* jump: the iptables proxier wrote this node's rules */
function iptablesProxierRule(host: HostState): { ev: EvidenceRef; ref: { bundle: string; path: string } } | undefined {
  for (const d of [host.iptables, host.iptablesNft, host.iptablesLegacy]) {
    const rule = d?.value.tables
      .get('nat')
      ?.chains.get('KUBE-SERVICES')
      ?.rules.find((r) => /^KUBE-(SVC|SVL)-/.test(r.target ?? ''));
    if (d && rule)
      return {
        ev: knownLineEvidence(d.ref, rule.line, rule.text, 'a Service written by the iptables proxier'),
        ref: { bundle: d.ref.bundle, path: d.ref.path },
      };
  }
  return undefined;
}

const remediation = (node: string) =>
  remedy(
    'Give kube-proxy what IPVS mode needs (load ip_vs, ip_vs_rr, ip_vs_wrr, ip_vs_sh and nf_conntrack on the node, ipset in the image), or set the mode to iptables on purpose; then restart kube-proxy and check that it logs "Using ipvs Proxier".',
    [
      'lsmod | grep -e ip_vs -e nf_conntrack',
      'modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh nf_conntrack',
      cmd`kubectl -n kube-system logs -l k8s-app=kube-proxy --field-selector spec.nodeName=${word('node', node)} | grep -i proxier`,
      'ipvsadm -Ln',
    ],
  );

/** the first line of the loaded-modules list, cited to show ip_vs is not among them */
function noIpvsModule(s: Snapshot, host: HostState): EvidenceRef | undefined {
  const mods = host.modules;
  if (!mods || mods.value.size === 0 || mods.value.has('ip_vs')) return undefined;
  const first = [...mods.value.values()].sort((a, b) => a.line - b.line)[0];
  return first ? lineAt(s, mods.ref, first.line, 'the loaded modules: ip_vs is not among them') : undefined;
}

function fromHosts(s: Snapshot, configuredEv: EvidenceRef | undefined): Report[] {
  const out: Report[] = [];
  for (const host of [...s.hosts.values()].sort((a, b) => a.node.localeCompare(b.node))) {
    const subject = nodeSubject(host.node);
    if (host.ipvsadm) {
      const vs = parseIpvsadm(host.ipvsadm.value);
      if (vs.size > 0) {
        out.push({
          status: 'pass',
          subject,
          messageId: 'ipvsProgrammed',
          data: { node: host.node, count: vs.size },
          basis: basisOf(host.ipvsadm),
        });
        continue;
      }
    }
    // no IPVS on the node: an empty `ipvsadm -Ln`, or ip_vs not loaded (then /proc/net/ip_vs is missing
    // and the collector records ipvsadm as absent)
    const empty = host.ipvsadm;
    const unloaded = noIpvsModule(s, host);
    if (!empty && !unloaded) continue;
    const written = iptablesProxierRule(host);
    if (!written) continue;
    const lines = empty ? empty.value.split('\n') : [];
    const header = lines.findIndex((l) => /RemoteAddress:Port|LocalAddress:Port/.test(l));
    out.push({
      status: 'fail',
      subject,
      messageId: 'hostFellBack',
      data: { node: host.node },
      evidence: present(
        configuredEv,
        empty && header >= 0
          ? knownLineEvidence(
              empty.ref,
              header + 1,
              lines[header]?.replace(/\r$/, '') ?? '',
              'no IPVS virtual server on the node',
            )
          : undefined,
        unloaded,
        written.ev,
      ),
      remediation: remediation(host.node),
    });
  }
  return out;
}

export const ipvsFellBackToIptables: Rule = {
  id: 'SVC-309',
  slug: 'ipvs-fell-back-to-iptables',
  layer: 'service',
  severity: 'warning',
  title: 'kube-proxy is configured for IPVS but runs iptables',
  needs: [
    'cluster.configmap.kube-system.kube-proxy',
    'cluster.log.kube-system.<kube-proxy pod>.kube-proxy',
    'host.ipvsadm',
  ],
  decidesFrom: [
    ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy'],
    ['host.journal.<kube-proxy unit>'],
    ['cluster.configmap.kube-system.kube-proxy', 'host.ipvsadm', 'host.iptables-save'],
    ['host.rke2-config', 'host.ipvsadm', 'host.iptables-save'],
    ['host.rke2-static-pod.*', 'host.ipvsadm', 'host.iptables-save'],
    ['cluster.configmap.kube-system.kube-proxy', 'host.modules', 'host.iptables-save'],
  ],
  docs: {
    why: 'IPVS mode needs the ip_vs kernel modules (or the same built into the kernel) and the ipset tool in kube-proxy\'s image. Up to Kubernetes 1.25, kube-proxy that was asked for IPVS and found either missing logged a warning and ran the iptables proxier instead, so the cluster works but not as configured: no IPVS schedulers, rule sync that grows with every Service, ClusterIPs that do not answer ping although IPVS docs say they do, and Calico or MetalLB settings made for IPVS that do not apply. Since 1.26 kube-proxy exits instead ("can\'t use the IPVS proxier") and Services stop being programmed.',
    fix: 'Load the modules on every node (ip_vs, ip_vs_rr, ip_vs_wrr, ip_vs_sh, nf_conntrack; persist them in /etc/modules-load.d), mount /lib/modules into kube-proxy, use a kube-proxy image that ships ipset, then restart kube-proxy; or set mode: iptables if IPVS is not wanted.',
  },
  messages: {
    fellBack: 'kube-proxy on node {node} was asked for IPVS and fell back to iptables: {why}',
    exits: 'kube-proxy on node {node} cannot use IPVS and exits: {why}',
    runsIptables: 'kube-proxy is configured for IPVS ({by}) but started the {running} proxier',
    hostFellBack:
      'node {node}: kube-proxy is configured for IPVS but the node has no IPVS (no virtual server, or ip_vs not loaded) while its Services are in iptables KUBE-SVC chains',
    ipvsRunning: 'kube-proxy runs IPVS as configured ({by})',
    ipvsProgrammed: 'node {node} has {count} IPVS virtual servers: kube-proxy runs IPVS',
    notIpvs: 'kube-proxy is not configured for IPVS (mode {mode}, {by})',
  },
  explains: [{ rule: 'SVC-303', match: 'same-node' }],
  run(s) {
    if (proxyDeployment(s)?.style === 'absent') return [];
    const out: Report[] = [];
    const configured = configuredMode(s);
    // the log's own words decide, whatever the config says (it may not be collected)
    const seen = new Set<string>();
    for (const hit of searchProxyLogs(proxyLogs(s), new RegExp(`${FELL_BACK.source}|${EXITS.source}`))) {
      const node = hit.log.node ?? '';
      if (seen.has(node)) continue;
      seen.add(node);
      const exits =
        EXITS.test(hit.line.raw) && !/Using iptables Proxier/.test(hit.log.log.value.map((l) => l.raw).join('\n'));
      const started = runningMode(s, hit.log.node);
      out.push({
        status: 'fail',
        ...(exits ? { severity: 'critical' as const } : {}),
        subject: node ? nodeSubject(node) : CLUSTER,
        messageId: exits ? 'exits' : 'fellBack',
        data: { node: node || 'unknown', why: hit.line.message.replace(/^\s*"?/, '').slice(0, 160) },
        evidence: present(
          configured?.evidence,
          hitEvidence(hit, exits ? 'kube-proxy cannot start IPVS mode' : 'kube-proxy gives up IPVS'),
          started && started.value !== 'ipvs' ? started.evidence : undefined,
        ),
        remediation: remediation(node || '<node>'),
      });
    }
    if (out.length > 0) return out;
    if (!configured) {
      const eff = effectiveMode(s);
      if (eff)
        return [
          {
            status: 'pass',
            subject: CLUSTER,
            messageId: 'notIpvs',
            data: { mode: eff.value, by: eff.by },
            basis: [eff.ref],
          },
        ];
      return [
        missingInputs(CLUSTER, [
          'cluster.configmap.kube-system.kube-proxy',
          'cluster.log.kube-system.<kube-proxy pod>.kube-proxy',
        ]),
      ];
    }
    if (configured.value !== 'ipvs')
      return [
        {
          status: 'pass',
          subject: CLUSTER,
          messageId: 'notIpvs',
          data: { mode: configured.value, by: configured.by },
          basis: [configured.ref],
        },
      ];
    const running = runningMode(s);
    if (running && running.value !== 'ipvs') {
      return [
        {
          status: 'fail',
          subject: CLUSTER,
          messageId: 'runsIptables',
          data: { by: configured.by, running: running.value },
          evidence: present(configured.evidence, running.evidence),
          remediation: remediation('<node>'),
        },
      ];
    }
    if (running)
      return [
        {
          status: 'pass',
          subject: CLUSTER,
          messageId: 'ipvsRunning',
          data: { by: running.by },
          basis: [running.ref, configured.ref],
        },
      ];
    const hosts = fromHosts(s, configured.evidence);
    if (hosts.length > 0) return hosts;
    return [missingInputs(CLUSTER, ['cluster.log.kube-system.<kube-proxy pod>.kube-proxy', 'host.ipvsadm'])];
  },
};
