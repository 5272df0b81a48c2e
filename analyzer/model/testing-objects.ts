// Tiny builders of Kubernetes objects as kubectl prints them (-o json), realistic defaults.
// Each returns plain JSON; pass it through kubeList() for a cluster/*.json file.

const TS = '2025-01-15T09:00:00Z';
/** deterministic per object, so two builds of the same fixture are byte-identical */
export const uidFor = (kind: string, ns: string, name: string): string => {
  let h = 0;
  for (const c of `${kind}/${ns}/${name}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `${h.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
};

export function kubeList(items: readonly object[]): object {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

export interface PodSpecInput {
  name: string;
  namespace?: string;
  node?: string;
  ip?: string;
  hostIP?: string;
  labels?: Record<string, string>;
  phase?: string;
  ready?: boolean;
  restarts?: number;
  hostNetwork?: boolean;
  /** e.g. 'CrashLoopBackOff': the container waits instead of running */
  waitingReason?: string;
  containers?: readonly {
    name: string;
    image?: string;
    ports?: readonly { containerPort: number; name?: string; protocol?: string }[];
    readinessProbe?: object;
    livenessProbe?: object;
    args?: string[];
  }[];
}

export function podJson(p: PodSpecInput): object {
  const ns = p.namespace ?? 'default';
  const ready = p.ready ?? true;
  const phase = p.phase ?? 'Running';
  const containers = p.containers ?? [
    { name: p.name.replace(/-[a-z0-9]+(-[a-z0-9]{5})?$/, '') || 'app', image: 'registry.k8s.io/pause:3.10' },
  ];
  const hostIP = p.hostIP ?? '192.168.56.11';
  const podIP = p.hostNetwork ? hostIP : p.ip;
  const cond = (type: string, ok: boolean) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: TS,
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: ns,
      uid: uidFor('Pod', ns, p.name),
      creationTimestamp: TS,
      labels: p.labels ?? {},
    },
    spec: {
      ...(p.node ? { nodeName: p.node } : {}),
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      dnsPolicy: p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
      containers: containers.map((c) => ({
        image: 'registry.k8s.io/pause:3.10',
        ...c,
        ports: c.ports ? c.ports.map((x) => ({ protocol: 'TCP', ...x })) : undefined,
      })),
    },
    status: {
      phase,
      conditions: [
        cond('PodReadyToStartContainers', phase === 'Running'),
        cond('Initialized', true),
        cond('Ready', ready),
        cond('ContainersReady', ready),
        cond('PodScheduled', p.node !== undefined),
      ],
      ...(p.node ? { hostIP, hostIPs: [{ ip: hostIP }] } : {}),
      ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
      startTime: TS,
      containerStatuses: containers.map((c) => ({
        name: c.name,
        ready,
        started: p.waitingReason === undefined,
        restartCount: p.restarts ?? 0,
        state: p.waitingReason ? { waiting: { reason: p.waitingReason } } : { running: { startedAt: TS } },
        ...(p.restarts
          ? { lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: TS, finishedAt: TS } } }
          : { lastState: {} }),
        image: c.image ?? 'registry.k8s.io/pause:3.10',
      })),
    },
  };
}

export interface NodeSpecInput {
  name: string;
  podCIDR?: string | null;
  internalIP?: string;
  ready?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
}

export function nodeJson(n: NodeSpecInput): object {
  const cidr = n.podCIDR === undefined ? '10.244.0.0/24' : n.podCIDR;
  const ready = n.ready ?? true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      uid: n.uid ?? uidFor('Node', '', n.name),
      creationTimestamp: TS,
      labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', ...n.labels },
      annotations: n.annotations ?? {},
    },
    // a node without podCIDR has "spec": {}
    spec: cidr ? { podCIDR: cidr, podCIDRs: [cidr] } : {},
    status: {
      addresses: [
        { type: 'InternalIP', address: n.internalIP ?? '192.168.56.10' },
        { type: 'Hostname', address: n.name },
      ],
      conditions: [
        {
          type: 'NetworkUnavailable',
          status: 'False',
          reason: 'FlannelIsUp',
          message: 'Flannel is running on this node',
          lastTransitionTime: TS,
        },
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'KubeletReady' : 'KubeletNotReady',
          message: ready ? 'kubelet is posting ready status' : 'container runtime network not ready',
          lastTransitionTime: TS,
        },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0',
        kernelVersion: '6.1.0-28-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kubeProxyVersion: '',
      },
    },
  };
}

export interface ServiceSpecInput {
  name: string;
  namespace?: string;
  clusterIP?: string;
  selector?: Record<string, string> | null;
  ports?: readonly {
    port: number;
    targetPort?: number | string;
    protocol?: string;
    name?: string;
    nodePort?: number;
  }[];
  type?: string;
  labels?: Record<string, string>;
}

export function serviceJson(s: ServiceSpecInput): object {
  const ns = s.namespace ?? 'default';
  const ip = s.clusterIP ?? '10.96.0.100';
  const ports = s.ports ?? [{ port: 80, targetPort: 8080 }];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.name,
      namespace: ns,
      uid: uidFor('Service', ns, s.name),
      creationTimestamp: TS,
      labels: s.labels ?? {},
    },
    spec: {
      ports: ports.map((p) => ({ protocol: 'TCP', targetPort: p.port, ...p })),
      ...(s.selector === null ? {} : { selector: s.selector ?? { app: s.name } }),
      clusterIP: ip,
      clusterIPs: ip === 'None' ? ['None'] : [ip],
      type: s.type ?? 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}

export interface EndpointAddressInput {
  ip: string;
  node?: string;
  pod?: string;
}

export interface EndpointsSpecInput {
  name: string;
  namespace?: string;
  ready?: readonly (string | EndpointAddressInput)[];
  notReady?: readonly (string | EndpointAddressInput)[];
  ports?: readonly { port: number; name?: string; protocol?: string }[];
}

function address(a: string | EndpointAddressInput, ns: string): object {
  const x = typeof a === 'string' ? { ip: a } : a;
  return {
    ip: x.ip,
    ...(x.node ? { nodeName: x.node } : {}),
    ...(x.pod ? { targetRef: { kind: 'Pod', namespace: ns, name: x.pod } } : {}),
  };
}

/** like the API: empty address lists are omitted, and no subsets at all when there are none */
export function endpointsJson(e: EndpointsSpecInput): object {
  const ns = e.namespace ?? 'default';
  const ready = e.ready ?? [];
  const notReady = e.notReady ?? [];
  const subset = {
    ...(ready.length ? { addresses: ready.map((a) => address(a, ns)) } : {}),
    ...(notReady.length ? { notReadyAddresses: notReady.map((a) => address(a, ns)) } : {}),
    ports: (e.ports ?? [{ port: 8080 }]).map((p) => ({ protocol: 'TCP', ...p })),
  };
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: e.name, namespace: ns, creationTimestamp: TS, labels: {} },
    ...(ready.length || notReady.length ? { subsets: [subset] } : {}),
  };
}

/** discovery.k8s.io/v1, linked to its Service only by the kubernetes.io/service-name label */
export function endpointSliceJson(e: EndpointsSpecInput & { sliceName?: string }): object {
  const ns = e.namespace ?? 'default';
  const ep = (a: string | EndpointAddressInput, ready: boolean) => {
    const x = typeof a === 'string' ? { ip: a } : a;
    return {
      addresses: [x.ip],
      conditions: { ready, serving: ready, terminating: false },
      ...(x.node ? { nodeName: x.node } : {}),
      ...(x.pod ? { targetRef: { kind: 'Pod', namespace: ns, name: x.pod } } : {}),
    };
  };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: e.sliceName ?? `${e.name}-abcde`,
      namespace: ns,
      generateName: `${e.name}-`,
      labels: {
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': e.name,
      },
    },
    addressType: 'IPv4',
    endpoints: [...(e.ready ?? []).map((a) => ep(a, true)), ...(e.notReady ?? []).map((a) => ep(a, false))],
    ports: (e.ports ?? [{ port: 8080 }]).map((p) => ({ name: p.name ?? '', protocol: 'TCP', ...p })),
  };
}

export function configMapJson(c: { name: string; namespace?: string; data: Record<string, string> }): object {
  const ns = c.namespace ?? 'kube-system';
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: c.name, namespace: ns, uid: uidFor('ConfigMap', ns, c.name), creationTimestamp: TS },
    data: c.data,
  };
}

export interface WorkloadSpecInput {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  replicas?: number;
  ready?: number;
  containers?: readonly {
    name: string;
    image?: string;
    ports?: readonly { containerPort: number; name?: string; protocol?: string }[];
    readinessProbe?: object;
    livenessProbe?: object;
  }[];
  hostNetwork?: boolean;
}

function template(w: WorkloadSpecInput): object {
  const labels = w.labels ?? { app: w.name };
  return {
    metadata: { labels },
    spec: {
      ...(w.hostNetwork ? { hostNetwork: true } : {}),
      containers: w.containers ?? [{ name: w.name, image: 'registry.k8s.io/pause:3.10' }],
    },
  };
}

export function deploymentJson(w: WorkloadSpecInput): object {
  const ns = w.namespace ?? 'default';
  const replicas = w.replicas ?? 2;
  const ready = w.ready ?? replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: w.name,
      namespace: ns,
      uid: uidFor('Deployment', ns, w.name),
      creationTimestamp: TS,
      labels: w.labels ?? { app: w.name },
    },
    spec: { replicas, selector: { matchLabels: w.labels ?? { app: w.name } }, template: template(w) },
    status: {
      replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(replicas > ready ? { unavailableReplicas: replicas - ready } : {}),
    },
  };
}

export function daemonSetJson(w: WorkloadSpecInput & { desired?: number }): object {
  const ns = w.namespace ?? 'kube-system';
  const desired = w.desired ?? 1;
  const ready = w.ready ?? desired;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: w.name,
      namespace: ns,
      uid: uidFor('DaemonSet', ns, w.name),
      creationTimestamp: TS,
      labels: w.labels ?? { app: w.name },
    },
    spec: { selector: { matchLabels: w.labels ?? { app: w.name } }, template: template(w) },
    status: {
      desiredNumberScheduled: desired,
      currentNumberScheduled: desired,
      numberReady: ready,
      numberAvailable: ready,
      ...(desired > ready ? { numberUnavailable: desired - ready } : {}),
    },
  };
}
