// kube-proxy's nftables mode against the Services' ready endpoints (SVC-303 in nftables mode): each
// Service port is looked up by destination (ClusterIP . proto . port) in `service-ips`, the map
// kube-proxy keeps in `table ip kube-proxy`, and its numgen endpoint chains' DNAT targets compared
// with the ready endpoints; a port still in `no-endpoint-services` or absent is missing.
import type { EvidenceRef } from '../types.js';
import type { HostState, Located, Snapshot } from '../../model/types.js';
import type { Service } from '../../model/schemas.js';
import { nftJsonOf } from '../../model/nft-json.js';
import { jsonEvidence } from './host.js';
import { readyEndpoints, type ReadyPort } from './host-proxy.js';

export interface NftDrift {
  readonly svc: Located<Service>;
  readonly problem: 'missing' | 'stale';
  readonly ports: string[];
  readonly evidence: (EvidenceRef | undefined)[];
}

export function compareNft(
  s: Snapshot,
  host: HostState,
  services: readonly Located<Service>[],
): { drift: NftDrift[]; ref: { bundle: string; path: string } } | undefined {
  const got = nftJsonOf(s, host);
  const kp = got?.kubeProxy;
  if (!got || !kp) return undefined;
  const ref = got.ref;
  const byDst = new Map(kp.services.filter((x) => x.ip !== undefined).map((x) => [`${x.ip} ${x.proto} ${x.port}`, x]));
  const noEp = new Map(
    kp.noEndpoints.filter((x) => x.ip !== undefined).map((x) => [`${x.ip} ${x.proto} ${x.port}`, x]),
  );
  const out: NftDrift[] = [];
  for (const svc of services) {
    const ns = svc.obj.metadata.namespace ?? 'default';
    const ready = readyEndpoints(s, `${ns}/${svc.obj.metadata.name}`);
    if (!ready) continue;
    let problem: NftDrift['problem'] | undefined;
    const ports: string[] = [];
    const evidence: (EvidenceRef | undefined)[] = [];
    for (const port of svc.obj.spec.ports ?? []) {
      const want: ReadyPort | undefined = ready.get(port.name ?? '');
      if (!want || want.ready.size === 0) continue; // no ready endpoints: SVC-304 / DNS-406
      const key = `${svc.obj.spec.clusterIP} ${(port.protocol ?? 'TCP').toLowerCase()} ${port.port}`;
      const have = byDst.get(key);
      if (!have) {
        problem = 'missing';
        ports.push(port.name ?? String(port.port));
        const rejected = noEp.get(key);
        evidence.push(
          want.evidence,
          rejected
            ? jsonEvidence(s, ref, rejected.pointer, 'this node still treats the port as having no endpoints')
            : kp.serviceMapIndex !== undefined
              ? jsonEvidence(
                  s,
                  ref,
                  `/nftables/${kp.serviceMapIndex}/map/name`,
                  `no element for ${key.replace(/ /g, ' . ')} in this map`,
                )
              : undefined,
        );
        continue;
      }
      const programmed = new Map(have.endpoints.map((e) => [`${e.ip}:${e.port ?? port.port}`, e]));
      const stale = [...programmed.keys()].filter((ep) => !want.ready.has(ep));
      const absent = [...want.ready].filter((ep) => !programmed.has(ep));
      if (stale.length === 0 && absent.length === 0) continue;
      problem ??= 'stale';
      ports.push(port.name ?? String(port.port));
      evidence.push(
        want.evidence,
        ...stale.slice(0, 3).map((ep) => {
          const r = programmed.get(ep)?.rule;
          return r
            ? jsonEvidence(s, ref, `/nftables/${r.index}`, `DNAT to ${ep}, which is not a ready endpoint`)
            : undefined;
        }),
      );
      if (stale.length === 0)
        evidence.push(jsonEvidence(s, ref, have.pointer, `the endpoints lack ${absent.slice(0, 3).join(', ')}`));
    }
    if (problem) out.push({ svc, problem, ports, evidence });
  }
  return { drift: out, ref };
}
