// How each networking component is deployed (DaemonSet, Deployment, static pod, embedded in the
// distribution's own process, snap, systemd, or absent), decided from evidence and citing it.
// `absent` needs positive evidence: the list that would show the workload, covering every
// namespace, and no sign that the component runs some other way (k3s embeds flannel and
// kube-proxy; Charmed runs them as snaps or systemd services; a node's flannel lease...).
import type {
  ClusterState,
  ComponentName,
  DeploymentStyle,
  Distribution,
  FileIndex,
  HostState,
  Located,
  Seen,
} from './types.js';
import type { DaemonSet, Deployment } from './schemas.js';
import { coverageInFiles, coversComponent, firstEntry } from './coverage.js';

/** JSON pointer escaping of one reference token (`a/b` -> `a~1b`) */
const esc = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
const sortedHosts = (hosts: ReadonlyMap<string, HostState>): HostState[] =>
  [...hosts.values()].sort((a, b) => a.node.localeCompare(b.node));

const IMAGE_OF: Record<ComponentName, RegExp> = {
  flannel: /(^|\/)(mirrored-)?flannel(io)?[/:-]|flannel:|\/flannel$/,
  'kube-proxy': /(^|\/)kube-proxy[:@-]|\/kube-proxy$/,
  coredns: /(^|\/)(mirrored-)?coredns(-coredns)?[:@]|\/coredns$/,
  calico: /(^|\/)(mirrored-)?calico[/-]node[:@]|calico\/node$/,
};
// container names that show a component inside a workload (RKE2 canal: calico-node + kube-flannel)
const CONTAINER_OF: Record<ComponentName, readonly string[]> = {
  flannel: ['kube-flannel', 'flannel'],
  'kube-proxy': ['kube-proxy'],
  coredns: ['coredns'],
  calico: ['calico-node'],
};

function workloadWith<T extends DaemonSet | Deployment>(
  list: readonly Located<T>[] | undefined,
  c: ComponentName,
): { w: Located<T>; index: number } | undefined {
  for (const w of list ?? []) {
    const containers = w.obj.spec.template.spec.containers;
    const index = containers.findIndex(
      (k) => CONTAINER_OF[c].includes(k.name) || IMAGE_OF[c].test(String((k as { image?: unknown }).image ?? '')),
    );
    if (index !== -1) return { w, index };
  }
  return undefined;
}

function k3sDisables(
  hosts: ReadonlyMap<string, HostState>,
  cluster: ClusterState,
  what: 'flannel' | 'kube-proxy',
): Seen<DeploymentStyle> | undefined {
  for (const h of sortedHosts(hosts)) {
    for (const c of h.distroConfigs) {
      const v = what === 'flannel' ? c.value.values['flannel-backend'] : c.value.values['disable-kube-proxy'];
      if ((what === 'flannel' && v === 'none') || (what === 'kube-proxy' && (v === true || v === 'true'))) {
        const key = what === 'flannel' ? 'flannel-backend' : 'disable-kube-proxy';
        return {
          value: 'absent',
          by: `${c.value.distro} config ${key}: ${String(v)}`,
          at: { ...c.ref, line: c.value.lines.get(key) },
        };
      }
    }
  }
  // k3s.io/node-args: '["server","--flannel-backend","none",...]' (config file values included since v1.21)
  for (const n of cluster.nodes ?? []) {
    for (const key of ['k3s.io/node-args', 'rke2.io/node-args']) {
      const raw = n.obj.metadata.annotations?.[key];
      if (!raw) continue;
      let args: unknown;
      try {
        args = JSON.parse(raw);
      } catch {
        continue;
      }
      if (!Array.isArray(args)) continue;
      const flag = what === 'flannel' ? '--flannel-backend' : '--disable-kube-proxy';
      const i = args.findIndex((a) => a === flag || a === `${flag}=none` || a === `${flag}=true`);
      if (i === -1) continue;
      const val = String(args[i]).includes('=') ? String(args[i]).split('=')[1] : String(args[i + 1] ?? 'true');
      if ((what === 'flannel' && val === 'none') || (what === 'kube-proxy' && val === 'true')) {
        return {
          value: 'absent',
          by: `node/${n.obj.metadata.name} ${key} ${flag} ${val}`,
          at: { ...n.ref, pointer: `${n.ref.pointer}/metadata/annotations/${esc(key)}` },
        };
      }
    }
  }
  return undefined;
}

function hostStyle(hosts: ReadonlyMap<string, HostState>, c: ComponentName): Seen<DeploymentStyle> | undefined {
  for (const h of sortedHosts(hosts)) {
    if (c === 'kube-proxy') {
      for (const pod of h.staticPods.values()) {
        if (pod.value.component === 'kube-proxy' || pod.value.name === 'kube-proxy') {
          return {
            value: 'static-pod',
            by: `${h.node} static pod manifest`,
            at: { ...pod.ref, line: pod.value.lines.get('metadata.name') ?? 1 },
          };
        }
      }
      const snap = h.componentArgs.get('snap/kube-proxy');
      if (snap) return { value: 'snap', by: `${h.node} snap kube-proxy args`, at: { ...snap.ref, line: 1 } };
    }
    const units: Record<ComponentName, readonly (readonly [string, DeploymentStyle])[]> = {
      // microk8s >= 1.21 runs kube-proxy in-process in kubelite; before, as its own snap daemon
      'kube-proxy': [
        ['snap.kube-proxy.daemon', 'snap'],
        ['snap.microk8s.daemon-proxy', 'snap'],
        ['snap.microk8s.daemon-kubelite', 'embedded'],
        ['kube-proxy', 'systemd'],
      ],
      // the Charmed flannel charm's unit is flannel.service
      flannel: [
        ['snap.microk8s.daemon-flanneld', 'snap'],
        ['flanneld', 'systemd'],
        ['flannel', 'systemd'],
      ],
      coredns: [],
      calico: [],
    };
    for (const [unit, style] of units[c]) {
      const u = h.systemdUnits?.value.find((x) => x.unit === unit);
      if (u && h.systemdUnits)
        return { value: style, by: `${h.node} unit ${unit}`, at: { ...h.systemdUnits.ref, line: u.line } };
      const j = h.journal.get(unit);
      // a journal of only `-- No entries --` says nothing ran under that unit
      const first = j ? firstEntry(j.value) : undefined;
      if (j && first) return { value: style, by: `${h.node} journal of ${unit}`, at: { ...j.ref, line: first.line } };
    }
  }
  return undefined;
}

const OWNER_STYLE: Readonly<Record<string, DeploymentStyle>> = {
  DaemonSet: 'daemonset',
  ReplicaSet: 'deployment',
  Deployment: 'deployment',
  Node: 'static-pod',
};

/**
 * RKE2's `cni:` (config.yaml; default canal): canal is calico + flannel, `calico` and `flannel` are
 * themselves, anything else (cilium, none) deploys neither. RKE2 deploys its CNI as a DaemonSet.
 */
function rke2Cni(hosts: ReadonlyMap<string, HostState>, c: 'flannel' | 'calico'): Seen<DeploymentStyle> | undefined {
  for (const h of sortedHosts(hosts)) {
    for (const cfg of h.distroConfigs) {
      if (cfg.value.distro !== 'rke2') continue;
      const v = cfg.value.values.cni;
      if (v === undefined || v === null) continue;
      const names = (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((x) => x.trim());
      const runs = names.includes('canal') || names.includes(c);
      return {
        value: runs ? 'daemonset' : 'absent',
        by: `rke2 config cni: ${names.join(',')}`,
        at: { ...cfg.ref, line: cfg.value.lines.get('cni') },
      };
    }
  }
  return undefined;
}

/** the first pod with the component's container and a known owner kind */
function podStyle(cluster: ClusterState, c: ComponentName): Seen<DeploymentStyle> | undefined {
  for (const p of cluster.pods ?? []) {
    if (!(p.obj.spec?.containers ?? []).some((k) => CONTAINER_OF[c].includes(k.name))) continue;
    const owners = p.obj.metadata.ownerReferences ?? [];
    const i = owners.findIndex((o) => OWNER_STYLE[o.kind] !== undefined);
    if (i === -1) continue;
    const m = p.obj.metadata;
    return {
      value: OWNER_STYLE[owners[i]!.kind]!,
      by: `pod ${m.namespace ?? ''}/${m.name} owned by ${owners[i]!.kind} ${owners[i]!.name}`,
      at: { ...p.ref, pointer: `${p.ref.pointer}/metadata/ownerReferences/${i}/kind` },
    };
  }
  return undefined;
}

/** how a distribution runs a component when nothing turns it off */
const DISTRO_DEFAULT: Partial<Record<Distribution, Partial<Record<ComponentName, DeploymentStyle>>>> = {
  k3s: { flannel: 'embedded', 'kube-proxy': 'embedded' },
  rke2: { 'kube-proxy': 'static-pod' },
  microk8s: { 'kube-proxy': 'embedded' },
  charmed: { 'kube-proxy': 'snap' },
};

/** a log of the component's container (kubectl or /var/log/pods): the pod name tells the workload kind */
function logStyle(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  c: ComponentName,
): Seen<DeploymentStyle> | undefined {
  const nodes = new Set([...hosts.keys(), ...(cluster.nodes ?? []).map((n) => n.obj.metadata.name)]);
  for (const [key, log] of [...cluster.logs].sort(([a], [b]) => a.localeCompare(b))) {
    const [, pod = '', container = ''] = key.split('/');
    if (!CONTAINER_OF[c].includes(container.replace(/\.previous$/, ''))) continue;
    const style: DeploymentStyle =
      c === 'coredns'
        ? 'deployment'
        : c === 'kube-proxy' && [...nodes].some((n) => pod === `kube-proxy-${n}`)
          ? 'static-pod'
          : 'daemonset';
    return { value: style, by: `log of pod ${pod}`, at: log.ref };
  }
  return undefined;
}

/** signs that the component runs although no workload of it was listed */
function runsElsewhere(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  d: Distribution | undefined,
  c: ComponentName,
): boolean {
  if (d !== undefined && DISTRO_DEFAULT[d]?.[c] !== undefined) return true;
  if (c === 'flannel') {
    if (d === 'charmed' || d === 'microk8s') return true;
    if (
      (cluster.nodes ?? []).some((n) =>
        Object.keys(n.obj.metadata.annotations ?? {}).some((k) => k.startsWith('flannel.alpha.coreos.com/')),
      )
    )
      return true;
    if ([...hosts.values()].some((h) => h.subnetEnv !== undefined || h.k3sFlannelNetConf !== undefined)) return true;
  }
  if (c === 'calico' && d === 'charmed') return true;
  const containers = CONTAINER_OF[c];
  return (cluster.pods ?? []).some((p) => (p.obj.spec?.containers ?? []).some((k) => containers.includes(k.name)));
}

function component(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  signals: readonly Seen<Distribution>[],
  c: ComponentName,
  files?: FileIndex,
): Seen<DeploymentStyle> | undefined {
  const d = signals[0]?.value;
  // a workload in the cluster lists says it directly
  const ds = workloadWith(cluster.daemonSets, c);
  if (ds) {
    const m = ds.w.obj.metadata;
    return {
      value: 'daemonset',
      by: `DaemonSet ${m.namespace ?? ''}/${m.name}`,
      at: { ...ds.w.ref, pointer: `${ds.w.ref.pointer}/spec/template/spec/containers/${ds.index}` },
    };
  }
  if (c === 'coredns') {
    const dep = workloadWith(cluster.deployments, c);
    if (dep) {
      const m = dep.w.obj.metadata;
      return {
        value: 'deployment',
        by: `Deployment ${m.namespace ?? ''}/${m.name}`,
        at: { ...dep.w.ref, pointer: `${dep.w.ref.pointer}/spec/template/spec/containers/${dep.index}` },
      };
    }
  }
  // a running pod of it says what owns it (the workload lists may be missing: RBAC, a partial dump)
  const owned = podStyle(cluster, c);
  if (owned) return owned;
  // k3s/RKE2 configured without it
  if ((d === 'k3s' || d === 'rke2') && (c === 'flannel' || c === 'kube-proxy')) {
    const off = k3sDisables(hosts, cluster, c);
    if (off) return off;
  }
  if (d === 'rke2' && (c === 'flannel' || c === 'calico')) {
    const chosen = rke2Cni(hosts, c);
    if (chosen) return chosen;
  }
  const onHost = hostStyle(hosts, c);
  if (onHost) return onHost;
  if (d === 'charmed' && c === 'flannel') {
    // the flannel charm runs flanneld as a systemd service; its lease on a node says it runs there
    const lease = sortedHosts(hosts).find((h) => h.subnetEnv !== undefined)?.subnetEnv;
    if (lease)
      return {
        value: 'systemd',
        by: 'Charmed flannel charm (flanneld lease on the node, no flannel DaemonSet)',
        at: { ...lease.ref, line: 1 },
      };
  }
  if (c === 'kube-proxy') {
    // mirror pods of static kube-proxy pods (RKE2): `component: kube-proxy` or the config.source annotation
    const mirror = (cluster.pods ?? []).find((p) => {
      const m = p.obj.metadata;
      return (
        (m.labels?.component === 'kube-proxy' && m.labels?.tier === 'control-plane') ||
        (m.name.startsWith('kube-proxy') && m.annotations?.['kubernetes.io/config.source'] === 'file')
      );
    });
    if (mirror)
      return {
        value: 'static-pod',
        by: `pod ${mirror.obj.metadata.namespace ?? ''}/${mirror.obj.metadata.name} (mirror of a static pod)`,
        at: { ...mirror.ref, pointer: `${mirror.ref.pointer}/metadata` },
      };
  }
  const def = d !== undefined ? DISTRO_DEFAULT[d]?.[c] : undefined;
  if (def) return distroDefault(cluster, hosts, signals, d!, c, def);
  const logged = logStyle(cluster, hosts, c);
  if (logged) return logged;
  // positive absence: the list that would show the workload was collected and nothing shows it runs
  const listPath = c === 'coredns' ? 'cluster/deployments.json' : 'cluster/daemonsets.json';
  const list = c === 'coredns' ? cluster.deployments : cluster.daemonSets;
  if (list && !runsElsewhere(cluster, hosts, d, c)) {
    const first = list[0]?.ref;
    const owner = cluster.fileOwners?.get(listPath) ?? first?.bundle ?? cluster.bundle;
    // a list of some namespaces or a selection of objects (a converted sosreport's `--namespace
    // openstack`, an Insights archive) shows nothing about the namespaces it left out
    if (owner && (!files || coversComponent(coverageInFiles(files, { bundle: owner, path: listPath }), c)))
      return {
        value: 'absent',
        by: `${c === 'coredns' ? 'deployments' : 'daemonsets'} list without ${c}`,
        at: { bundle: owner, path: listPath },
      };
  }
  return undefined;
}

/** the distribution's own way of running it: cite the most specific evidence */
function distroDefault(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  signals: readonly Seen<Distribution>[],
  d: Distribution,
  c: ComponentName,
  style: DeploymentStyle,
): Seen<DeploymentStyle> | undefined {
  if (d === 'k3s' && c === 'flannel') {
    for (const n of cluster.nodes ?? []) {
      const key = Object.keys(n.obj.metadata.annotations ?? {}).find((k) => k.startsWith('flannel.alpha.coreos.com/'));
      if (key)
        return {
          value: style,
          by: `k3s node/${n.obj.metadata.name} annotation ${key}`,
          at: { ...n.ref, pointer: `${n.ref.pointer}/metadata/annotations/${esc(key)}` },
        };
    }
    const conf = sortedHosts(hosts)
      .map((h) => h.k3sFlannelNetConf)
      .find((x) => x !== undefined);
    if (conf) return { value: style, by: 'k3s flannel net-conf', at: conf.ref };
  }
  const signal = signals.find((s) => s.value === d);
  return signal ? { value: style, by: `${d} (${signal.by})`, at: signal.at } : undefined;
}

export const COMPONENTS: readonly ComponentName[] = ['flannel', 'kube-proxy', 'coredns', 'calico'];

/** each component's style; `signals` are the distribution signals, strongest first (detectDistribution) */
export function componentStyles(
  cluster: ClusterState,
  hosts: ReadonlyMap<string, HostState>,
  signals: readonly Seen<Distribution>[],
  files?: FileIndex,
): Map<ComponentName, Seen<DeploymentStyle>> {
  const out = new Map<ComponentName, Seen<DeploymentStyle>>();
  for (const c of COMPONENTS) {
    const seen = component(cluster, hosts, signals, c, files);
    if (seen) out.set(c, seen);
  }
  return out;
}
