// DNS-404: the Deployment's probes need plugins the Corefile lacks. kubeadm probes /ready on 8181
// (the `ready` plugin) and /health on 8080 (the `health` plugin); removing either plugin, or moving
// its port, makes every pod NotReady (or restart) although DNS itself works.
import type { EvidenceRef, Report, Rule } from '../types.js';
import type { Located } from '../../model/types.js';
import type { Deployment } from '../../model/schemas.js';
import { objectEvidence } from '../../model/evidence.js';
import { basisOf, missingInputs } from '../lib/reports.js';
import { corednsDeployment, corednsPods } from '../lib/cluster.js';
import { COREDNS_CM_SOURCE, corednsConfigMapSubject, corefileLines, hasPlugin } from './corefile.js';

const subject = corednsConfigMapSubject;
const PROBES = [
  { field: 'readinessProbe', path: '/ready', plugin: 'ready', defaultPort: 8181 },
  { field: 'livenessProbe', path: '/health', plugin: 'health', defaultPort: 8080 },
] as const;

type Container = Deployment['spec']['template']['spec']['containers'][number];

function probePort(c: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** the port a plugin listens on: `ready :8181`, `health localhost:8080`, default otherwise */
function pluginPort(args: readonly string[], dflt: number): number {
  const m = /:(\d+)$/.exec(args[0] ?? '');
  return m ? Number(m[1]) : dflt;
}

function fix(plugin: string, port: number): Report['remediation'] {
  return {
    explanation: `Add \`${plugin}${port === 8181 || port === 8080 ? '' : ` :${port}`}\` back to the Corefile's .:53 server block (or change the probe to match), then restart CoreDNS.`,
    commands: [
      'kubectl -n kube-system edit configmap coredns',
      'kubectl -n kube-system rollout restart deployment coredns',
    ],
  };
}

export const corednsProbePlugins: Rule = {
  id: 'DNS-404',
  slug: 'coredns-probe-plugins',
  layer: 'dns',
  severity: 'critical',
  title: 'CoreDNS probes need ready/health plugins the Corefile lacks',
  needs: [COREDNS_CM_SOURCE, 'cluster.deployments', 'cluster.pods'],
  docs: {
    why: "The kubelet probes CoreDNS at /ready (the ready plugin, :8181) and /health (the health plugin, :8080). Without the plugin, or on another port, the probe fails: readiness keeps the pods out of kube-dns's endpoints, liveness restarts them.",
    fix: 'Put `health` and `ready` back into the Corefile (kubeadm default: `health { lameduck 5s }` and `ready`), or make the probes match the ports configured, then restart CoreDNS.',
  },
  messages: {
    'plugin-missing': 'the {probe} probes {path} on port {port}, but the Corefile has no {plugin} plugin',
    'port-mismatch': 'the {probe} probes {path} on port {port}, but the {plugin} plugin listens on {pluginPort}',
    ok: 'the Corefile serves what the probes ask for',
  },
  decidesFrom: [
    [COREDNS_CM_SOURCE, 'cluster.deployments'],
    [COREDNS_CM_SOURCE, 'cluster.pods'],
  ],
  explains: [{ rule: 'DNS-401', match: 'cluster' }],
  run(s) {
    // the probes are in the Deployment's pod template, and in every CoreDNS pod made from it
    const pod = s.cluster.deployments ? undefined : corednsPods(s)[0];
    const missing = [
      ...(s.cluster.corefile ? [] : [COREDNS_CM_SOURCE]),
      ...(s.cluster.deployments || pod ? [] : ['cluster.deployments']),
    ];
    if (missing.length) return [missingInputs(subject, missing)];
    const dep: Located<Deployment> | undefined = corednsDeployment(s);
    const owner = dep
      ? {
          loc: dep as Located<unknown>,
          containers: dep.obj.spec.template.spec.containers,
          base: '/spec/template/spec/containers',
        }
      : pod
        ? { loc: pod as Located<unknown>, containers: pod.obj.spec?.containers ?? [], base: '/spec/containers' }
        : undefined;
    if (!owner) return [];
    const containers = owner.containers;
    const ci = Math.max(
      0,
      containers.findIndex((c) => c.name === 'coredns'),
    );
    const c = containers[ci] as Container | undefined;
    if (!c) return [];
    const out: Report[] = [];
    for (const p of PROBES) {
      const probe = c[p.field];
      const get = probe?.httpGet;
      if (!get || get.path !== p.path) continue;
      const port = probePort(c, get.port);
      if (port === undefined) continue;
      const probeEv = objectEvidence(owner.loc, `${owner.base}/${ci}/${p.field}`, `the ${p.field}`);
      const plugin = hasPlugin(s, p.plugin);
      const data = {
        probe: p.field === 'readinessProbe' ? 'readiness' : 'liveness',
        path: p.path,
        port,
        plugin: p.plugin,
      };
      if (!plugin) {
        const server = s.cluster.corefile?.value.servers[0];
        const serverEv = server
          ? corefileLines(s, server.line, server.line, 'the server block without the plugin')
          : undefined;
        const evidence: EvidenceRef[] = [probeEv, ...(serverEv ? [serverEv] : [])];
        out.push({
          status: 'fail',
          subject,
          messageId: 'plugin-missing',
          data,
          evidence,
          remediation: fix(p.plugin, port),
        });
        continue;
      }
      const listens = pluginPort(plugin.args, p.defaultPort);
      if (listens !== port) {
        const pluginEv = corefileLines(s, plugin.line, plugin.line, `the ${p.plugin} plugin`);
        out.push({
          status: 'fail',
          subject,
          messageId: 'port-mismatch',
          data: { ...data, pluginPort: listens },
          evidence: [probeEv, ...(pluginEv ? [pluginEv] : [])],
          remediation: fix(p.plugin, port),
        });
      }
    }
    if (out.length === 0)
      out.push({ status: 'pass', subject, messageId: 'ok', basis: basisOf(s.cluster.corefile, owner.loc) });
    return out;
  },
};
