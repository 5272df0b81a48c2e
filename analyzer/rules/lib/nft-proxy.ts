// kube-proxy's nftables mode against the Services' ready endpoints (SVC-303 in nftables mode): each
// Service port is looked up by destination (ClusterIP . proto . port) in `service-ips`, the map
// kube-proxy keeps in `table ip kube-proxy`, and its numgen endpoint chains' DNAT targets compared
// with the ready endpoints; a port still in `no-endpoint-services` or absent is missing.
import type { HostState, Located, Snapshot } from '../../model/types.js';
import type { Service } from '../../model/schemas.js';
import { nftJsonOf } from '../../model/nft-json.js';
import { jsonEvidence } from './host.js';
import { serviceDrift, type PortDrift, type ServiceDrift } from './service-drift.js';

export type NftDrift = ServiceDrift;

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
  const drift = serviceDrift(s, services, (svc, port, want): PortDrift | undefined => {
    const key = `${svc.obj.spec.clusterIP} ${(port.protocol ?? 'TCP').toLowerCase()} ${port.port}`;
    const have = byDst.get(key);
    if (!have) {
      const rejected = noEp.get(key);
      return {
        problem: 'missing',
        evidence: [
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
        ],
      };
    }
    const programmed = new Map(have.endpoints.map((e) => [`${e.ip}:${e.port ?? port.port}`, e]));
    const stale = [...programmed.keys()].filter((ep) => !want.ready.has(ep));
    const absent = [...want.ready].filter((ep) => !programmed.has(ep));
    if (stale.length === 0 && absent.length === 0) return undefined;
    return {
      problem: 'stale',
      evidence: [
        ...stale.slice(0, 3).map((ep) => {
          const r = programmed.get(ep)?.rule;
          return r
            ? jsonEvidence(s, ref, `/nftables/${r.index}`, `DNAT to ${ep}, which is not a ready endpoint`)
            : undefined;
        }),
        ...(stale.length === 0
          ? [jsonEvidence(s, ref, have.pointer, `the endpoints lack ${absent.slice(0, 3).join(', ')}`)]
          : []),
      ],
    };
  });
  return { drift, ref };
}
