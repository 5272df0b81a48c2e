// --via-pod: per node, a short-lived pod pinned to it (nodeName), in the host's network and PID
// namespaces, the host root mounted read-only at /host, with the capabilities iptables-save needs
// (NET_ADMIN, NET_RAW) and SYS_CHROOT, never `privileged`. The collector travels in the pod spec
// (an env var; no ConfigMap, nothing written on the node) and runs chrooted into /host so it reads
// the host's own files with the host's own tools; its tarball comes back base64 in the pod's log.
// The pod is deleted whatever happens (success, failure, timeout, Ctrl-C).
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NodeOutcome } from '../bundle/collection-index.js';
import type { NodeTarget } from './nodes.js';
import type { NodeContext, NodeRun, NodeRunner } from './run.js';
import { lastLines } from './outcome.js';
import { spawnToFile, type SpawnResult } from './spawn-to-file.js';
import { Base64Decoder } from './base64.js';

export const POD_LABEL = 'app.kubernetes.io/name';
export const POD_LABEL_VALUE = 'netsnap-collect';

/**
 * Runs in the image's own sh. With chroot and a host /bin/sh: the collector runs chrooted into the
 * host root, under the host's sh, tar, gzip and base64. Without (an image with no chroot): in the
 * container, which shares the host's network namespace, so routes and iptables are the host's but
 * host files are not there (the bundle records them absent).
 */
export const POD_WRAPPER = [
  // NETSNAP_HOST is never set in the pod; a test points it at a read-only bind of its own root
  'H=${NETSNAP_HOST:-/host}',
  'if command -v chroot >/dev/null 2>&1 && [ -x "$H/bin/sh" ]; then',
  '  exec chroot "$H" /bin/sh -c \'TMPDIR=/tmp sh -c "$NETSNAP_SCRIPT" netsnap-collect "$@" | base64\' sh "$@"',
  'fi',
  'echo "netsnap: no chroot in this image; collecting from the container (host files absent)" >&2',
  'sh -c "$NETSNAP_SCRIPT" netsnap-collect "$@" | base64',
].join('\n');

export interface PodOptions {
  readonly namespace: string;
  readonly image: string;
  readonly kubectl: readonly string[];
  readonly timeoutSeconds: number;
}

/** a pod name: lower-case DNS label, ≤ 63 characters, unique per attempt */
export function podName(node: string, suffix: string): string {
  const base = node
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `netsnap-collect-${base || 'node'}-${suffix}`.slice(0, 63).replace(/-+$/, '');
}

/** Pure: the pod that collects `node` (tests assert exactly this). */
export function podSpec(o: {
  name: string;
  namespace: string;
  node: string;
  image: string;
  script: string;
  collectorArgs: readonly string[];
  timeoutSeconds: number;
}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { [POD_LABEL]: POD_LABEL_VALUE, 'app.kubernetes.io/managed-by': 'netsnap' },
    },
    spec: {
      nodeName: o.node,
      hostNetwork: true,
      hostPID: true,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 1,
      activeDeadlineSeconds: o.timeoutSeconds + 30,
      // a node tainted NoSchedule/NoExecute (control plane, a broken node) is still collected
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: 'collect',
          image: o.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', POD_WRAPPER, 'netsnap-collect-wrapper', ...o.collectorArgs],
          env: [{ name: 'NETSNAP_SCRIPT', value: o.script }],
          securityContext: {
            runAsUser: 0,
            privileged: false,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SYS_CHROOT', 'DAC_READ_SEARCH'] },
          },
          volumeMounts: [
            { name: 'host', mountPath: '/host', readOnly: true, mountPropagation: 'None' },
            // the collector's staging directory: a scratch volume over the host's /tmp, in the pod only
            { name: 'scratch', mountPath: '/host/tmp' },
          ],
          resources: { limits: { memory: '512Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
        },
      ],
      volumes: [
        { name: 'host', hostPath: { path: '/', type: 'Directory' } },
        { name: 'scratch', emptyDir: { sizeLimit: '2Gi' } },
      ],
    },
  };
}

const KUBECTL_TIMEOUT_MS = 30_000;
const POLL_MS = 1000;

/** images that cannot be pulled or containers that cannot start: no use waiting for the deadline */
const STUCK = /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerError|CreateContainerConfigError/;

async function kubectl(
  o: PodOptions,
  args: readonly string[],
  extra: { stdin?: string; outFile?: string; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<SpawnResult> {
  return spawnToFile({
    argv: [...o.kubectl, ...args],
    ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}),
    ...(extra.outFile ? { outFile: extra.outFile } : {}),
    ...(extra.signal ? { signal: extra.signal } : {}),
    captureStdout: !extra.outFile,
    timeoutMs: extra.timeoutMs ?? KUBECTL_TIMEOUT_MS,
  });
}

const forbidden = (r: SpawnResult): boolean => /Forbidden|is forbidden/.test(r.stderrTail);

function denied(r: SpawnResult, verb: string, o: PodOptions): NodeRun {
  return {
    outcome: 'denied',
    exitCode: r.exitCode,
    privilege: 'pod',
    error: `RBAC: ${verb} in namespace ${o.namespace} was refused (netsnap collect --via-pod needs create, get, delete on pods and get on pods/log there): ${lastLines(r.stderrTail)}`,
  };
}

/** is this a complete gzip stream? (a log cut by the kubelet's rotation is not) */
async function gzipComplete(file: string): Promise<boolean> {
  try {
    await pipeline(
      createReadStream(file),
      createGunzip(),
      new Writable({
        write(_c, _e, cb) {
          cb();
        },
      }),
    );
    return true;
  } catch {
    return false;
  }
}

async function wait(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

export function podRunner(o: PodOptions, script: string, argsFor: (t: NodeTarget) => string[]): NodeRunner {
  return async (t: NodeTarget, ctx: NodeContext): Promise<NodeRun> => {
    const name = podName(t.node, Math.random().toString(36).slice(2, 7));
    const spec = podSpec({
      name,
      namespace: o.namespace,
      node: t.node,
      image: o.image,
      script,
      collectorArgs: argsFor(t),
      timeoutSeconds: o.timeoutSeconds,
    });
    const deadline = Date.now() + o.timeoutSeconds * 1000;
    let created = false;
    try {
      const c = await kubectl(o, ['create', '--validate=false', '-f', '-', '-o', 'name'], {
        stdin: JSON.stringify(spec),
      });
      if (forbidden(c)) return denied(c, 'create pods', o);
      // a create that timed out may still have created the pod: delete it anyway (finally)
      created = true;
      if (c.exitCode !== 0)
        return {
          outcome: 'failed',
          exitCode: c.exitCode,
          privilege: 'pod',
          error: `kubectl create: ${lastLines(c.stderrTail)}`,
        };
      const done = await waitForPod(o, name, deadline, ctx.signal);
      if ('outcome' in done) return done;
      const logs = await spawnToFile({
        argv: [...o.kubectl, 'logs', name, '-n', o.namespace, '-c', 'collect'],
        outFile: ctx.outFile,
        signal: ctx.signal,
        timeoutMs: Math.max(5000, deadline - Date.now()),
        transform: () => new Base64Decoder(),
        onBytes: ctx.onBytes,
      });
      if (logs.aborted)
        return { outcome: 'interrupted', exitCode: null, privilege: 'pod', error: 'interrupted (Ctrl-C)' };
      if (logs.timedOut)
        return { outcome: 'timeout', exitCode: null, privilege: 'pod', error: 'the pod log did not arrive in time' };
      if (forbidden(logs)) return denied(logs, 'get pods/log', o);
      if (logs.exitCode !== 0)
        return {
          outcome: 'failed',
          exitCode: logs.exitCode,
          privilege: 'pod',
          error: `kubectl logs: ${lastLines(logs.stderrTail)}`,
        };
      if (done.phase !== 'Succeeded' || !(await gzipComplete(ctx.outFile)))
        return {
          outcome: 'failed',
          exitCode: logs.exitCode,
          privilege: 'pod',
          error: `pod ${name} ended ${done.phase}; its log is not a whole bundle (cut by log rotation, or the collector failed: kubectl logs -n ${o.namespace} ${name})`,
        };
      return { outcome: 'ok', exitCode: 0, privilege: 'pod', error: '' };
    } finally {
      if (created) {
        const d = await kubectl(o, ['delete', 'pod', name, '-n', o.namespace, '--wait=false', '--ignore-not-found']);
        if (d.exitCode !== 0)
          process.stderr.write(
            `netsnap collect: could not delete pod ${o.namespace}/${name}: ${lastLines(d.stderrTail)}; delete it by hand: kubectl delete pod -n ${o.namespace} ${name}\n`,
          );
      }
    }
  };
}

interface Finished {
  readonly phase: string;
}

async function waitForPod(
  o: PodOptions,
  name: string,
  deadline: number,
  signal: AbortSignal,
): Promise<Finished | NodeRun> {
  let last = 'Pending';
  while (!signal.aborted) {
    const r = await kubectl(o, [
      'get',
      'pod',
      name,
      '-n',
      o.namespace,
      '-o',
      'jsonpath={.status.phase} {.status.containerStatuses[*].state.waiting.reason}',
    ]);
    if (forbidden(r)) return denied(r, 'get pods', o);
    const [phase = '', ...waiting] = r.stdoutText.trim().split(/\s+/);
    if (phase) last = phase;
    const stuck = waiting.find((w) => STUCK.test(w));
    if (stuck)
      return {
        outcome: 'failed',
        exitCode: null,
        privilege: 'pod',
        error: `pod ${name}: ${stuck} for image ${o.image} (an air-gapped node cannot pull it: choose an image the node has with --image)`,
      };
    if (phase === 'Succeeded' || phase === 'Failed') return { phase };
    if (Date.now() >= deadline)
      return {
        outcome: 'timeout',
        exitCode: null,
        privilege: 'pod',
        error: `pod ${name} still ${last} after ${o.timeoutSeconds} s`,
      };
    await wait(POLL_MS, signal);
  }
  return {
    outcome: 'interrupted' satisfies NodeOutcome,
    exitCode: null,
    privilege: 'pod',
    error: 'interrupted (Ctrl-C)',
  };
}

const DaemonSetListSchema = z.object({
  items: z
    .array(
      z.object({
        metadata: z.object({ name: z.string() }),
        spec: z.object({
          template: z.object({
            spec: z.object({ containers: z.array(z.object({ name: z.string(), image: z.string().optional() })) }),
          }),
        }),
      }),
    )
    .max(10_000),
});

/** the images that ship a shell and are on every node already, in order of preference */
const IMAGE_CONTAINERS = ['kube-proxy', 'kube-flannel'];

/** Pure: `kubectl get daemonsets -A -o json` -> the running kube-proxy (else kube-flannel) image. */
export function chooseImage(json: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = DaemonSetListSchema.safeParse(value);
  if (!parsed.success) return undefined;
  for (const want of IMAGE_CONTAINERS)
    for (const ds of parsed.data.items)
      for (const c of ds.spec.template.spec.containers)
        if (c.name === want && c.image && !/[\s\p{Cc}]|^-/u.test(c.image)) return c.image;
  return undefined;
}
