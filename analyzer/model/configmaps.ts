// The allow-listed ConfigMaps and the configs embedded in them.
//
// Evidence convention for embedded configs (a Corefile inside the coredns ConfigMap): cite the
// ConfigMap file with a JSON pointer to the data key and the 1-based line WITHIN that string, e.g.
//   {path: "cluster/configmaps/kube-system/coredns.json", pointer: "/data/Corefile", line: 12}
// The parsed values keep the parser's lines (relative to the string), the Sourced ref carries the
// pointer, and FileIndex.lines({...ref, pointer}, 12, 12) opens exactly that line.
import type { ConfigMap } from './schemas.js';
import { ConfigMapSchema } from './schemas.js';
import type { Located, Sourced } from './types.js';
import type { BundleReader } from './reader.js';
import type { Parsed } from '../core/problem.js';
import type { Parsers } from './parsers.js';
import type { CniConfList, Corefile, FlannelNetConf, KubeProxyConfig } from '../parse/types.js';
import type { KubeadmNetworking } from './parsers.js';
import { loadObject } from './lists.js';
import { escapePointerToken } from './pointer.js';

const CONFIGMAP_PATH = /^cluster\/configmaps\/([^/]+)\/([^/]+)\.json$/;

export interface EmbeddedConfigs {
  readonly corefile?: Sourced<Corefile>;
  readonly flannelNetConf?: Sourced<FlannelNetConf>;
  readonly flannelCniConf?: Sourced<CniConfList>;
  readonly kubeProxyConfig?: Sourced<KubeProxyConfig>;
  readonly kubeadmNetworking?: Sourced<KubeadmNetworking>;
}

/** every cluster/configmaps/<ns>/<name>.json, keyed `ns/name` */
export function loadConfigMaps(owners: ReadonlyMap<string, BundleReader>): Map<string, Located<ConfigMap>> {
  const out = new Map<string, Located<ConfigMap>>();
  for (const [path, reader] of [...owners].sort(([a], [b]) => a.localeCompare(b))) {
    const m = CONFIGMAP_PATH.exec(path);
    if (!m) continue;
    const cm = loadObject(reader, path, ConfigMapSchema);
    if (cm) out.set(`${m[1]}/${m[2]}`, cm);
  }
  return out;
}

type ReaderOf = (path: string) => BundleReader | undefined;

function embedded<T>(
  readerOf: ReaderOf,
  cm: Located<ConfigMap> | undefined,
  key: string,
  parser: (text: string) => Parsed<T>,
): Sourced<T> | undefined {
  const text = cm?.obj.data?.[key];
  if (!cm || text === undefined) return undefined;
  const pointer = `/data/${escapePointerToken(key)}`;
  const parsed = parser(text);
  readerOf(cm.ref.path)?.addParseProblems(parsed, cm.ref.path, pointer);
  return { value: parsed.value, ref: { bundle: cm.ref.bundle, path: cm.ref.path, pointer } };
}

export function parseEmbeddedConfigs(
  reader: ReaderOf,
  cms: ReadonlyMap<string, Located<ConfigMap>>,
  parsers: Parsers,
): EmbeddedConfigs {
  // flannel >= v0.20 lives in its own namespace; older manifests used kube-system
  const flannel = cms.get('kube-flannel/kube-flannel-cfg') ?? cms.get('kube-system/kube-flannel-cfg');
  const kubeadm = cms.get('kube-system/kubeadm-config');
  return {
    // RKE2's Helm chart names the CoreDNS ConfigMap after its release
    corefile: embedded(
      reader,
      cms.get('kube-system/coredns') ?? cms.get('kube-system/rke2-coredns-rke2-coredns'),
      'Corefile',
      parsers.corefile,
    ),
    flannelNetConf: embedded(reader, flannel, 'net-conf.json', parsers.flannelNetConf),
    flannelCniConf: embedded(reader, flannel, 'cni-conf.json', parsers.cniConf),
    kubeProxyConfig: embedded(reader, cms.get('kube-system/kube-proxy'), 'config.conf', parsers.kubeProxyConfig),
    kubeadmNetworking: embedded(reader, kubeadm, 'ClusterConfiguration', parsers.kubeadmClusterConfig),
  };
}
