// A small Kubernetes API server (node:http, plain http) that real kubectl accepts through a
// generated kubeconfig. It serves discovery, lists (streamed, chunked with limit/continue, so a
// benchmark can serve very large generated lists), single objects, pod logs, a 403 RBAC Status for
// chosen resources and a never-answering request for others, and records every request path.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pickPage, renderItems, type ItemSource, type RenderedItems } from './apiserver-items.js';

export type { ItemSource } from './apiserver-items.js';

export interface FakeApiServerOptions {
  /** address to listen on (default 127.0.0.1); a test in a netns listens on the veth peer */
  readonly host?: string;
  /** items per resource name (`pods`, `configmaps`, `deployments`...); namespaced items carry metadata.namespace */
  readonly objects?: Readonly<Partial<Record<string, ItemSource>>>;
  /** pod logs by `<ns>/<pod>/<container>` or `<ns>/<pod>/<container>.previous`, one entry per line */
  readonly logs?: Readonly<Record<string, readonly string[]>>;
  /** resources answering 403 Forbidden (an RBAC Status) */
  readonly forbidden?: readonly string[];
  /** resources whose requests never get an answer */
  readonly hang?: readonly string[];
  /** resources whose list pages from this item index on answer 410 Expired (a continue token gone stale mid-list) */
  readonly expireFrom?: Readonly<Partial<Record<string, number>>>;
  /** resources whose list pages from this item index on never get an answer */
  readonly hangFrom?: Readonly<Partial<Record<string, number>>>;
  /** odd but valid list answers per resource, for the collector's page splicing */
  readonly listQuirks?: Readonly<Partial<Record<string, readonly ListQuirk[]>>>;
  readonly gitVersion?: string;
  /** Prometheus text a pod serves on :9153/metrics through the pod proxy, by `<ns>/<pod>` */
  readonly podMetrics?: Readonly<Record<string, string>>;
}

/**
 * `empty-last-page`: a paged list whose last items fill a page exactly still gets a continue token,
 * then a page with no items (API servers that filter after paging answer this way).
 * `no-trailing-newline`: the body ends at `]}` without the newline a Go encoder writes.
 */
export type ListQuirk = 'empty-last-page' | 'no-trailing-newline';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
}

export interface FakeApiServer {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** write a kubeconfig pointing at this server; returns its path */
  writeKubeconfig(path: string, context?: string): string;
  close(): Promise<void>;
}

export interface ResourceInfo {
  readonly name: string;
  readonly group: string;
  readonly groupVersion: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
}

const res = (name: string, groupVersion: string, kind: string, namespaced = true): ResourceInfo => ({
  name,
  groupVersion,
  kind,
  listKind: `${kind}List`,
  namespaced,
  group: groupVersion.includes('/') ? groupVersion.split('/')[0]! : '',
});

/** What discovery advertises. Secrets are advertised (a real server does) so a test can prove no one asked. */
export const RESOURCES: readonly ResourceInfo[] = [
  res('nodes', 'v1', 'Node', false),
  res('namespaces', 'v1', 'Namespace', false),
  res('pods', 'v1', 'Pod'),
  res('services', 'v1', 'Service'),
  res('endpoints', 'v1', 'Endpoints'),
  res('events', 'v1', 'Event'),
  res('configmaps', 'v1', 'ConfigMap'),
  res('secrets', 'v1', 'Secret'),
  res('serviceaccounts', 'v1', 'ServiceAccount'),
  res('daemonsets', 'apps/v1', 'DaemonSet'),
  res('deployments', 'apps/v1', 'Deployment'),
  res('replicasets', 'apps/v1', 'ReplicaSet'),
  res('endpointslices', 'discovery.k8s.io/v1', 'EndpointSlice'),
  res('networkpolicies', 'networking.k8s.io/v1', 'NetworkPolicy'),
];

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function apiResourceList(path: string): object | undefined {
  const gv = path === '/api/v1' ? 'v1' : path.replace(/^\/apis\//, '');
  const mine = RESOURCES.filter((r) => r.groupVersion === gv);
  if (mine.length === 0) return undefined;
  const resources = mine.flatMap((r) => [
    { name: r.name, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: VERBS },
    ...(r.name === 'pods'
      ? [{ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] }]
      : []),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}

interface Target {
  resource: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** `/api/v1[/namespaces/<ns>]/<resource>[/<name>[/<sub>]]`, same under `/apis/<group>/<version>`. */
function resourceByPath(path: string): Target | undefined {
  const m = path.match(
    /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/,
  );
  if (!m) return undefined;
  const gv = m[1] ? `${m[1]}/${m[2]}` : 'v1';
  const resource = RESOURCES.find((r) => r.groupVersion === gv && r.name === m[4]);
  if (!resource) return undefined;
  return { resource, namespace: m[3], name: m[5], subresource: m[6] };
}

const LOG_TIME = '2025-11-27T10:00:00.000000000Z';

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const requests: RecordedRequest[] = [];
  const lists = new Map<string, RenderedItems>();
  for (const [name, src] of Object.entries(options.objects ?? {})) if (src) lists.set(name, renderItems(src));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search });
    handle(options, lists, req, res, url).catch((err: unknown) => {
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  return {
    url,
    requests,
    writeKubeconfig(path, context = 'fake') {
      writeFileSync(path, kubeconfigYaml(url, context));
      return path;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function kubeconfigYaml(server: string, context: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${server}`,
    'users:',
    `- name: ${context}`,
    '  user: {}',
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    `    user: ${context}`,
    `current-context: ${context}`,
    '',
  ].join('\n');
}

const NO_ITEMS = renderItems([]);

async function handle(
  opts: FakeApiServerOptions,
  lists: ReadonlyMap<string, RenderedItems>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (req.method !== 'GET') return sendStatus(res, 405, 'MethodNotAllowed', `${req.method} is not supported here`);
  if (path === '/version') return sendJson(res, versionInfo(opts.gitVersion ?? 'v1.32.4'));
  if (path === '/api') return sendJson(res, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
  if (path === '/apis') return sendJson(res, apiGroupList());
  const groupVersion = path.match(/^\/(?:api\/v1|apis\/[^/]+\/[^/]+)$/);
  if (groupVersion) {
    const list = apiResourceList(path);
    return list ? sendJson(res, list) : sendStatus(res, 404, 'NotFound', `the server could not find ${path}`);
  }
  // GET /api/v1/namespaces/<ns>/pods/<pod>:9153/proxy/metrics (the API server's pod proxy)
  const proxied = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/:]+):9153\/proxy\/metrics$/.exec(path);
  if (proxied) {
    const text = opts.podMetrics?.[`${proxied[1]}/${proxied[2]}`];
    if (text === undefined)
      return sendStatus(
        res,
        503,
        'ServiceUnavailable',
        `error trying to reach service: dial tcp 10.244.0.2:9153: connect: connection refused`,
      );
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(text);
    return;
  }
  const target = resourceByPath(path);
  if (!target) return sendStatus(res, 404, 'NotFound', `the server could not find the requested resource (${path})`);
  const { resource, namespace, name, subresource } = target;
  if (opts.hang?.includes(resource.name)) return; // never answer: the client's time limit must act
  if (opts.forbidden?.includes(resource.name)) return sendForbidden(res, resource, namespace);
  const items = lists.get(resource.name) ?? NO_ITEMS;
  if (name === undefined) return streamList(opts, res, resource, items, namespace, url.searchParams);
  const found = findItem(items, namespace, name);
  if (!found)
    return sendStatus(res, 404, 'NotFound', `${resource.name} "${name}" not found`, { name, kind: resource.name });
  if (subresource === 'log') return sendLog(res, opts, namespace ?? '', name, url.searchParams);
  if (subresource) return sendStatus(res, 404, 'NotFound', `subresource ${subresource} is not served`);
  return sendJson(res, { kind: resource.kind, apiVersion: resource.groupVersion, ...found });
}

function versionInfo(gitVersion: string): object {
  const [major = '1', minor = '32'] = gitVersion.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T16:03:28Z',
    goVersion: 'go1.23.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function apiGroupList(): object {
  const groups = new Map<string, string>();
  for (const r of RESOURCES) if (r.group) groups.set(r.group, r.groupVersion);
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, gv]) => {
      const version = { groupVersion: gv, version: gv.split('/')[1] ?? '' };
      return { name, versions: [version], preferredVersion: version };
    }),
  };
}

function findItem(items: RenderedItems, namespace: string | undefined, name: string): object | undefined {
  for (let i = 0; i < items.count; i++) {
    const m = items.meta(i);
    if (m.name === name && (namespace === undefined || m.namespace === namespace)) return items.object(i);
  }
  return undefined;
}

/** the bytes of a page are written in blocks of about this size (fewer, larger socket writes) */
const BLOCK_BYTES = 1 << 20;

/** Streams `{"kind":"XList",...,"items":[` then the pre-rendered items, honouring back-pressure. */
async function streamList(
  opts: FakeApiServerOptions,
  res: ServerResponse,
  resource: ResourceInfo,
  items: RenderedItems,
  namespace: string | undefined,
  q: URLSearchParams,
): Promise<void> {
  const limit = Number(q.get('limit') ?? '0');
  const start = q.get('continue') ? Number(Buffer.from(q.get('continue')!, 'base64url').toString()) : 0;
  const hangFrom = opts.hangFrom?.[resource.name];
  if (hangFrom !== undefined && start > 0 && start >= hangFrom) return; // the client's time limit must act
  const expireFrom = opts.expireFrom?.[resource.name];
  if (expireFrom !== undefined && start > 0 && start >= expireFrom) {
    return sendStatus(
      res,
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    );
  }
  const selector = q.get('labelSelector');
  const quirks = opts.listQuirks?.[resource.name] ?? [];
  const page = pickPage(items, start, limit, namespace, selector);
  const { picked } = page;
  let next = page.next;
  const filled = limit > 0 && picked.length === limit;
  if (next === undefined && filled && quirks.includes('empty-last-page')) next = items.count;
  const cont = next !== undefined ? Buffer.from(String(next)).toString('base64url') : undefined;
  // a real server counts the rest only when nothing filters the list
  const remaining =
    next !== undefined && !selector && namespace === undefined ? { remainingItemCount: items.count - next } : {};
  const metadata = { resourceVersion: '4242', ...(cont ? { continue: cont } : {}), ...remaining };
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const head = JSON.stringify({ kind: resource.listKind, apiVersion: resource.groupVersion, metadata });
  let block: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
  let size = 0;
  const comma = Buffer.from(',');
  for (let k = 0; k < picked.length; k++) {
    const b = items.bytes(picked[k]!);
    if (k) block.push(comma);
    block.push(b);
    size += b.length + 1;
    if (size >= BLOCK_BYTES) {
      await write(res, Buffer.concat(block));
      block = [];
      size = 0;
    }
  }
  block.push(Buffer.from(quirks.includes('no-trailing-newline') ? ']}' : ']}\n'));
  await write(res, Buffer.concat(block));
  res.end();
}

function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return res.write(chunk) ? Promise.resolve() : new Promise((resolve) => res.once('drain', () => resolve()));
}

function sendLog(res: ServerResponse, opts: FakeApiServerOptions, ns: string, pod: string, q: URLSearchParams): void {
  const container = q.get('container') ?? '';
  const previous = q.get('previous') === 'true';
  const lines = opts.logs?.[`${ns}/${pod}/${container}${previous ? '.previous' : ''}`];
  if (!lines) {
    const msg = previous
      ? `previous terminated container "${container}" in pod "${pod}" not found`
      : `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`;
    return sendStatus(res, 400, 'BadRequest', msg);
  }
  const tail = q.get('tailLines');
  const kept = tail === null ? lines : lines.slice(Math.max(0, lines.length - Number(tail)));
  const stamped = q.get('timestamps') === 'true' ? kept.map((l) => `${LOG_TIME} ${l}`) : kept;
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(stamped.map((l) => `${l}\n`).join(''));
}

function sendForbidden(res: ServerResponse, resource: ResourceInfo, namespace: string | undefined): void {
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  const message =
    `${resource.name}${resource.group ? `.${resource.group}` : ''} is forbidden: User "system:node:worker-1" ` +
    `cannot list resource "${resource.name}" in API group "${resource.group}" ${scope}`;
  sendStatus(res, 403, 'Forbidden', message, { kind: resource.name });
}

function sendStatus(res: ServerResponse, code: number, reason: string, message: string, details?: object): void {
  const body = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendJson(res: ServerResponse, body: object): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
