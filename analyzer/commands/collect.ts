// `netsnap collect`: one command for every node of a cluster, over ssh or through a pod per node,
// into one folder of bundles plus collection.json that `netsnap analyze <folder>` reads directly.
// The fan-out is analyzer/collect/run.ts; this file turns flags into a plan and handles Ctrl-C.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectCluster } from '../collect/cluster.js';
import { nodesFromList, parseNodeList, type NodeTarget, type NodesResult } from '../collect/nodes.js';
import { chooseImage, podRunner } from '../collect/pod.js';
import { LineProgress, TtyProgress, summaryTable } from '../collect/progress.js';
import { runCollection, type NodeRunner } from '../collect/run.js';
import { spawnToFile } from '../collect/spawn-to-file.js';
import { sshRunner } from '../collect/ssh.js';
import { lastLines } from '../collect/outcome.js';
import { inertLine } from '../text/inert.js';
import { shq } from '../text/shell.js';
import { HELP_OPTION, parseCommand, usageError } from './args.js';
import { packageRoot, packageVersion } from './package-root.js';

const USAGE = `usage: netsnap collect --ssh [options]
       netsnap collect --via-pod [options]

Collect a bundle from every node into one folder (bundles + collection.json) for
\`netsnap analyze <folder>\`. The cluster objects are collected once, from this machine's
kubectl; each node's host state (routes, iptables, links, files) on the node itself.

modes:
  --ssh                  run the collector on each node over ssh: the script goes over ssh's
                         stdin and runs from memory; nothing is copied to or left on the node
  --via-pod              THIS MODE CREATES A POD ON EACH NODE (in --namespace): hostNetwork,
                         hostPID, the host root mounted read-only at /host, capabilities
                         NET_ADMIN/NET_RAW/SYS_CHROOT/DAC_READ_SEARCH (not privileged). The pod is
                         deleted afterwards, also on failure and Ctrl-C. Needs RBAC: create, get,
                         delete pods and get pods/log in --namespace (see docs/collect.md)

nodes (default: the cluster's Nodes from kubectl, at their --address-type address):
  --nodes LIST           comma-separated: host, user@host, an ssh alias, or name=host
  --nodes-file FILE      one node per line, same forms (# comments)
  --address-type TYPE    InternalIP (default), ExternalIP or Hostname

ssh (the system ssh with your ~/.ssh/config, agent and known_hosts; BatchMode=yes: it never
asks for a password and never turns host key checking off):
  --sudo                 run the collector under sudo -n (else with the login's own rights)
  -l, --user USER        ssh login name
  -F FILE                ssh config file
  -J HOST                jump host(s), as ssh -J
  --ssh-option OPT       passed to ssh as -o OPT (repeatable)

pod:
  --image IMAGE          image with a shell (default: the running kube-proxy or kube-flannel
                         DaemonSet's image, which an air-gapped node already has)
  --namespace NS         where the pods are created (default kube-system)

common:
  -o, --output DIR       the collection folder (default ./netsnap-collection-<UTC time>); a folder
                         collected before is updated: nodes collected again replace their records
  -j, --jobs N           nodes at a time (default 10)
  --timeout SECONDS      per node, then ssh is killed / the pod given up (default 120)
  --command-timeout S    per command inside the collector (default 20)
  --no-cluster           do not collect the cluster objects (no kubectl on this machine)
  --probe                ALSO SEND PACKETS: each node's collector runs its connectivity probes
                         (docs/probes.md); without cluster data there, it probes what it can find
  --air-gapped           with --probe: external targets are expected to fail
  --kubeconfig FILE      kubeconfig for kubectl here (node list, cluster objects, pods)
  --context NAME         kubeconfig context
  --collector FILE       the collector script (default: the packaged netsnap-collect.sh)
  -h, --help
exit: 0 every node collected, 1 some node not collected, 2 bad usage or nothing to collect, 130 Ctrl-C`;

const OPTIONS = {
  ...HELP_OPTION,
  ssh: { type: 'boolean' },
  'via-pod': { type: 'boolean' },
  nodes: { type: 'string' },
  'nodes-file': { type: 'string' },
  'address-type': { type: 'string' },
  sudo: { type: 'boolean' },
  user: { type: 'string', short: 'l' },
  F: { type: 'string', short: 'F' },
  J: { type: 'string', short: 'J' },
  'ssh-option': { type: 'string', multiple: true },
  image: { type: 'string' },
  namespace: { type: 'string' },
  output: { type: 'string', short: 'o' },
  jobs: { type: 'string', short: 'j' },
  timeout: { type: 'string' },
  'command-timeout': { type: 'string' },
  'no-cluster': { type: 'boolean' },
  probe: { type: 'boolean' },
  'air-gapped': { type: 'boolean' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  collector: { type: 'string' },
} as const;

const ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname'];

/**
 * The collector's arguments on one node: cluster objects are collected once from here, the bundle
 * streams back on stdout; `--probe` (and `--air-gapped`) pass through, so probes run on every node.
 */
export function collectorArgsFor(
  t: Pick<NodeTarget, 'node' | 'named'>,
  o: { readonly commandTimeout: number; readonly probe: boolean; readonly airGapped: boolean },
): string[] {
  return [
    '--no-cluster',
    '-o',
    '-',
    '--timeout',
    String(o.commandTimeout),
    ...(t.named ? ['--node', t.node] : []),
    ...(o.probe ? ['--probe', ...(o.airGapped ? ['--air-gapped'] : [])] : []),
  ];
}

function positiveInt(cmd: string, flag: string, v: string | undefined, fallback: number): number | { exit: 2 } {
  if (v === undefined) return fallback;
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1) return { exit: usageError(cmd, `${flag} wants a number > 0, got "${v}"`) };
  return Number(v);
}

const stamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

async function kubectlText(
  kubectl: readonly string[],
  args: readonly string[],
): Promise<{ ok: boolean; text: string; err: string }> {
  const r = await spawnToFile({ argv: [...kubectl, ...args], captureStdout: true, timeoutMs: 60_000 });
  return { ok: r.exitCode === 0, text: r.stdoutText, err: r.spawnError ?? lastLines(r.stderrTail) };
}

async function resolveNodes(
  v: { nodes?: string; 'nodes-file'?: string; 'address-type'?: string },
  kubectl: readonly string[],
): Promise<NodesResult> {
  if (v.nodes !== undefined) return parseNodeList(v.nodes, '--nodes');
  if (v['nodes-file'] !== undefined) {
    let text: string;
    try {
      text = readFileSync(v['nodes-file'], 'utf8');
    } catch (err) {
      return {
        ok: false,
        message: `cannot read ${v['nodes-file']}: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    return parseNodeList(text, v['nodes-file']);
  }
  const r = await kubectlText(kubectl, ['get', 'nodes', '-o', 'json']);
  if (!r.ok)
    return { ok: false, message: `kubectl get nodes failed (${r.err}); name the nodes with --nodes or --nodes-file` };
  return nodesFromList(r.text, v['address-type'] ?? 'InternalIP');
}

export async function run(argv: string[]): Promise<number> {
  const cmd = 'collect';
  const p = parseCommand(cmd, argv, OPTIONS, USAGE);
  if ('exit' in p) return p.exit;
  const v = p.values;
  if (p.positionals.length > 0) return usageError(cmd, `unexpected argument "${p.positionals[0]}"`);
  if (Boolean(v.ssh) === Boolean(v['via-pod'])) return usageError(cmd, 'choose one mode: --ssh or --via-pod');
  if (v.nodes !== undefined && v['nodes-file'] !== undefined)
    return usageError(cmd, '--nodes and --nodes-file: give one');
  if (v['address-type'] !== undefined && !ADDRESS_TYPES.includes(v['address-type']))
    return usageError(cmd, `--address-type ${v['address-type']} is not one of ${ADDRESS_TYPES.join(', ')}`);
  if (v['via-pod'] && (v.sudo || v.user || v.F || v.J || v['ssh-option']))
    return usageError(cmd, 'ssh options (--sudo, -l, -F, -J, --ssh-option) do not apply to --via-pod');
  if (v.ssh && (v.image || v.namespace)) return usageError(cmd, '--image and --namespace are for --via-pod');
  const jobs = positiveInt(cmd, '--jobs', v.jobs, 10);
  const timeout = positiveInt(cmd, '--timeout', v.timeout, 120);
  const commandTimeout = positiveInt(cmd, '--command-timeout', v['command-timeout'], 20);
  if (typeof jobs !== 'number') return jobs.exit;
  if (typeof timeout !== 'number') return timeout.exit;
  if (typeof commandTimeout !== 'number') return commandTimeout.exit;

  const root = packageRoot();
  const scriptPath = v.collector ?? join(root, 'collector', 'netsnap-collect.sh');
  let script: string;
  try {
    script = readFileSync(scriptPath, 'utf8');
  } catch (err) {
    return usageError(
      cmd,
      `cannot read the collector ${scriptPath}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const kubectl = [
    'kubectl',
    ...(v.kubeconfig ? ['--kubeconfig', v.kubeconfig] : []),
    ...(v.context ? ['--context', v.context] : []),
  ];

  const nodes = await resolveNodes(v, kubectl);
  if (!nodes.ok) return usageError(cmd, nodes.message);
  const outDir = v.output ?? `netsnap-collection-${stamp(new Date())}`;
  try {
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    return usageError(cmd, `cannot create ${outDir}: ${err instanceof Error ? err.message : String(err)}`);
  }

  const argsFor = (t: NodeTarget): string[] =>
    collectorArgsFor(t, { commandTimeout, probe: Boolean(v.probe), airGapped: Boolean(v['air-gapped']) });
  let runner: NodeRunner;
  if (v.ssh) {
    runner = sshRunner(
      {
        sudo: Boolean(v.sudo),
        options: v['ssh-option'] ?? [],
        ...(v.F ? { configFile: v.F } : {}),
        ...(v.J ? { jump: v.J } : {}),
        ...(v.user ? { user: v.user } : {}),
      },
      script,
      argsFor,
      timeout,
    );
  } else {
    let image = v.image;
    if (!image) {
      const ds = await kubectlText(kubectl, ['get', 'daemonsets', '-A', '-o', 'json']);
      if (!ds.ok) return usageError(cmd, `kubectl get daemonsets failed (${ds.err}); name an image with --image`);
      image = chooseImage(ds.text);
      if (!image)
        return usageError(cmd, 'no kube-proxy or kube-flannel DaemonSet to take an image from; name one with --image');
    }
    process.stderr.write(
      `netsnap collect: creating one pod per node in ${v.namespace ?? 'kube-system'} with image ${inertLine(image)}\n`,
    );
    runner = podRunner(
      { namespace: v.namespace ?? 'kube-system', image, kubectl, timeoutSeconds: timeout },
      script,
      argsFor,
    );
  }

  const ac = new AbortController();
  let interrupts = 0;
  const onInt = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(
        '\nnetsnap collect: interrupted; stopping nodes and writing collection.json (Ctrl-C again to quit now)\n',
      );
      ac.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onInt);
  const tty = process.stderr.isTTY ? new TtyProgress(process.stderr, nodes.nodes.length) : undefined;
  try {
    const index = await runCollection({
      outDir,
      mode: v.ssh ? 'ssh' : 'pod',
      nodes: nodes.nodes,
      concurrency: jobs,
      timeoutSeconds: timeout,
      tool: `netsnap ${packageVersion(root)}`,
      runner,
      cluster: v['no-cluster']
        ? { skipped: '--no-cluster' }
        : () =>
            collectCluster({
              scriptPath,
              outDir,
              timeoutSeconds: Math.max(timeout, 300),
              commandTimeout,
              signal: ac.signal,
              ...(v.kubeconfig ? { kubeconfig: v.kubeconfig } : {}),
              ...(v.context ? { context: v.context } : {}),
            }),
      signal: ac.signal,
      progress: tty ?? new LineProgress(process.stderr),
    });
    tty?.stop();
    process.stdout.write(
      `${summaryTable(index)}\n\nwrote ${inertLine(outDir)}; analyze it with: netsnap analyze ${inertLine(shq(outDir))}\n`,
    );
    if (ac.signal.aborted) return 130;
    return index.nodes.every((n) => n.outcome === 'ok') ? 0 : 1;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onInt);
    if (!existsSync(join(outDir, 'collection.json')))
      process.stderr.write('netsnap collect: no collection.json written\n');
  }
}
