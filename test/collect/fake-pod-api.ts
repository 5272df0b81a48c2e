// The pod half of a Kubernetes API for `netsnap collect --via-pod`, in front of the shared fake API
// server of test/helpers/apiserver.ts (which serves discovery, lists and single objects, GET only).
// Here: POST a pod (recorded exactly as kubectl sent it), GET it (a phase chosen per test), its log
// (a recorded bundle as `base64` prints it: 76-character lines) and DELETE (recorded). Everything
// else is proxied to the shared server. A 403 RBAC Status can be chosen for create or log.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { kubeconfigYaml, type FakeApiServer } from '../helpers/apiserver.js';

export type PodBehaviour =
  | 'succeed' // Succeeded at once, the log is the recorded bundle
  | 'image-pull-backoff' // Pending with ErrImagePull: an air-gapped node without the image
  | 'pending' // Pending forever: the per-node time limit must act
  | 'forbid-create' // 403 on create
  | 'forbid-log'; // created and Succeeded, 403 on pods/log

export interface FakePodApi {
  readonly url: string;
  /** pods as POSTed (parsed JSON bodies) */
  readonly created: object[];
  /** `ns/name` of every DELETE */
  readonly deleted: string[];
  /** every request: `METHOD path` */
  readonly requests: string[];
  writeKubeconfig(path: string): string;
  close(): Promise<void>;
}

const POD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?(?:\/(log))?$/;

function send(res: ServerResponse, code: number, body: object | string, type = 'application/json'): void {
  res.writeHead(code, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function forbidden(res: ServerResponse, what: string, ns: string): void {
  send(res, 403, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${what} is forbidden: User "dev" cannot ${what === 'pods' ? 'create resource "pods"' : 'get resource "pods/log"'} in API group "" in the namespace "${ns}"`,
    reason: 'Forbidden',
    details: { kind: what },
    code: 403,
  });
}

export async function startFakePodApi(
  backend: FakeApiServer,
  opts: { bundle: Buffer; behaviour: (node: string) => PodBehaviour; onCreate?: (pod: object) => void },
): Promise<FakePodApi> {
  const created: object[] = [];
  const deleted: string[] = [];
  const requests: string[] = [];
  const pods = new Map<string, { pod: Record<string, unknown>; node: string }>();
  const b64 = (opts.bundle.toString('base64').match(/.{1,76}/g) ?? []).join('\n') + '\n';

  const proxy = (req: IncomingMessage, res: ServerResponse): void => {
    const target = new URL(req.url ?? '/', backend.url);
    const up = request(target, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => send(res, 502, { kind: 'Status', code: 502 }));
    req.pipe(up);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const m = url.pathname.match(POD_PATH);
    if (!m) return proxy(req, res);
    const [, ns = '', name, sub] = m;
    if (req.method === 'POST' && !name) {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const pod = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        const meta = pod.metadata as { name: string };
        const node = (pod.spec as { nodeName: string }).nodeName;
        if (opts.behaviour(node) === 'forbid-create') return forbidden(res, 'pods', ns);
        created.push(pod);
        pods.set(`${ns}/${meta.name}`, { pod, node });
        opts.onCreate?.(pod);
        send(res, 201, { ...pod, metadata: { ...meta, namespace: ns, uid: `uid-${meta.name}` } });
      });
      return;
    }
    const key = `${ns}/${name ?? ''}`;
    const known = pods.get(key);
    if (req.method === 'DELETE' && name) {
      deleted.push(key);
      pods.delete(key);
      if (!known)
        return send(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: `pods "${name}" not found` });
      return send(res, 200, {
        ...known.pod,
        metadata: { ...(known.pod.metadata as object), deletionTimestamp: 'now' },
      });
    }
    if (req.method === 'GET' && name && known) {
      const how = opts.behaviour(known.node);
      if (sub === 'log') {
        if (how === 'forbid-log') return forbidden(res, 'pods/log', ns);
        return send(res, 200, b64, 'text/plain');
      }
      const status =
        how === 'pending'
          ? { phase: 'Pending' }
          : how === 'image-pull-backoff'
            ? {
                phase: 'Pending',
                containerStatuses: [{ name: 'collect', state: { waiting: { reason: 'ErrImagePull' } } }],
              }
            : { phase: 'Succeeded' };
      return send(res, 200, { ...known.pod, status });
    }
    return send(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: `${key} not found` });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    created,
    deleted,
    requests,
    writeKubeconfig(path) {
      writeFileSync(path, kubeconfigYaml(url, 'fake-pods'));
      return path;
    },
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}
