// Calico's CRDs (crd.projectcalico.org/v1, as `kubectl get <kind>.crd.projectcalico.org -A -o json`
// prints them) at the boundary: only the fields the rules read are typed, the rest passes through.
// Field names and defaults follow Calico's v3 API (projectcalico/api pkg/apis/projectcalico/v3):
// IPPool ipipMode/vxlanMode default Never, natOutgoing false; BGPConfiguration nodeToNodeMeshEnabled
// defaults to true when no `default` object exists.
import { z } from 'zod';
import { ObjectMetaSchema } from './schemas.js';
import type { Located } from './types.js';

const EncapMode = z.enum(['Always', 'CrossSubnet', 'Never']);

export const CalicoIPPoolSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({
    cidr: z.string(),
    blockSize: z.number().optional(),
    ipipMode: EncapMode.optional(),
    vxlanMode: EncapMode.optional(),
    natOutgoing: z.boolean().optional(),
    disabled: z.boolean().optional(),
    nodeSelector: z.string().optional(),
  }),
});
export type CalicoIPPool = z.infer<typeof CalicoIPPoolSchema>;

export const CalicoFelixConfigurationSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({ iptablesBackend: z.string().optional() }).optional(),
});
export type CalicoFelixConfiguration = z.infer<typeof CalicoFelixConfigurationSchema>;

export const CalicoBGPConfigurationSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({ nodeToNodeMeshEnabled: z.boolean().optional(), asNumber: z.number().optional() }).optional(),
});

export const CalicoBGPPeerSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({ peerIP: z.string().optional(), asNumber: z.number().optional(), node: z.string().optional() }),
});

export const CalicoIPAMBlockSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({ cidr: z.string(), affinity: z.string().optional(), deleted: z.boolean().optional() }),
});
export type CalicoIPAMBlock = z.infer<typeof CalicoIPAMBlockSchema>;

/** GlobalNetworkPolicy and (Calico) NetworkPolicy: typed only as far as a selector and order */
export const CalicoPolicySchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({ selector: z.string().optional(), order: z.number().optional() }).optional(),
});

/** the Calico lists of a bundle and their item schemas, by source id (analyzer/bundle/sources.ts) */
export const CALICO_LISTS = {
  'cluster.calico.ippools': CalicoIPPoolSchema,
  'cluster.calico.felixconfigurations': CalicoFelixConfigurationSchema,
  'cluster.calico.bgpconfigurations': CalicoBGPConfigurationSchema,
  'cluster.calico.bgppeers': CalicoBGPPeerSchema,
  'cluster.calico.ipamblocks': CalicoIPAMBlockSchema,
  'cluster.calico.globalnetworkpolicies': CalicoPolicySchema,
  'cluster.calico.networkpolicies': CalicoPolicySchema,
} as const;

/** each list is undefined when its source is missing, absent (no Calico CRDs) or failed to parse */
export interface CalicoState {
  readonly ipPools?: readonly Located<CalicoIPPool>[];
  readonly felixConfigurations?: readonly Located<CalicoFelixConfiguration>[];
  readonly bgpConfigurations?: readonly Located<z.infer<typeof CalicoBGPConfigurationSchema>>[];
  readonly bgpPeers?: readonly Located<z.infer<typeof CalicoBGPPeerSchema>>[];
  readonly ipamBlocks?: readonly Located<CalicoIPAMBlock>[];
  readonly globalNetworkPolicies?: readonly Located<z.infer<typeof CalicoPolicySchema>>[];
  readonly networkPolicies?: readonly Located<z.infer<typeof CalicoPolicySchema>>[];
}
