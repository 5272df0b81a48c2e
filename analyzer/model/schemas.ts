// Zod schemas at the boundary: the subsets of the Kubernetes types that rules read. Unknown fields
// pass through untouched. Validate with safeParse; a bad item becomes a LoadProblem and the rest of
// the list still loads.
import { z } from 'zod';

const StrMap = z.record(z.string(), z.string());

export const ObjectMetaSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  labels: StrMap.optional(),
  annotations: StrMap.optional(),
  creationTimestamp: z.string().nullish(),
  ownerReferences: z.array(z.looseObject({ kind: z.string(), name: z.string() })).optional(),
});

const ConditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().nullish(),
});

// ---------------------------------------------------------------- Node

export const KubeNodeSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z
    .looseObject({
      podCIDR: z.string().optional(),
      podCIDRs: z.array(z.string()).optional(),
      unschedulable: z.boolean().optional(),
      taints: z.array(z.looseObject({ key: z.string(), effect: z.string() })).optional(),
      // read by distribution.ts (a string or ignored): declared so lean objects keep it, never refused
      providerID: z.unknown().optional(),
    })
    .optional(),
  status: z
    .looseObject({
      addresses: z.array(z.looseObject({ type: z.string(), address: z.string() })).optional(),
      conditions: z.array(ConditionSchema).optional(),
      nodeInfo: z
        .looseObject({
          kubeletVersion: z.string().optional(),
          // as providerID: read by distribution.ts, kept whatever its type
          kubeProxyVersion: z.unknown().optional(),
          kernelVersion: z.string().optional(),
          osImage: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type KubeNode = z.infer<typeof KubeNodeSchema>;

// ---------------------------------------------------------------- Pod

const ProbeSchema = z.looseObject({
  httpGet: z
    .looseObject({
      path: z.string().optional(),
      port: z.union([z.number(), z.string()]),
      scheme: z.string().optional(),
    })
    .optional(),
  tcpSocket: z.looseObject({ port: z.union([z.number(), z.string()]) }).optional(),
  exec: z.looseObject({ command: z.array(z.string()).optional() }).optional(),
  timeoutSeconds: z.number().optional(),
  periodSeconds: z.number().optional(),
  failureThreshold: z.number().optional(),
  initialDelaySeconds: z.number().optional(),
});

export const ContainerPortSchema = z.looseObject({
  name: z.string().optional(),
  containerPort: z.number(),
  protocol: z.string().optional(),
  hostPort: z.number().optional(),
});

export const ContainerSchema = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  args: z.array(z.string()).optional(),
  command: z.array(z.string()).optional(),
  ports: z.array(ContainerPortSchema).optional(),
  env: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
  livenessProbe: ProbeSchema.optional(),
  readinessProbe: ProbeSchema.optional(),
});

const ContainerStateSchema = z.looseObject({
  waiting: z.looseObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.looseObject({ startedAt: z.string().nullish() }).optional(),
  terminated: z
    .looseObject({
      reason: z.string().optional(),
      message: z.string().optional(),
      exitCode: z.number().optional(),
      finishedAt: z.string().nullish(),
    })
    .optional(),
});

export const ContainerStatusSchema = z.looseObject({
  name: z.string(),
  ready: z.boolean(),
  restartCount: z.number(),
  started: z.boolean().optional(),
  state: ContainerStateSchema.optional(),
  lastState: ContainerStateSchema.optional(),
  image: z.string().optional(),
});

export const PodSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z
    .looseObject({
      nodeName: z.string().optional(),
      hostNetwork: z.boolean().optional(),
      containers: z.array(ContainerSchema).default([]),
      initContainers: z.array(ContainerSchema).optional(),
      dnsPolicy: z.string().optional(),
    })
    .optional(),
  status: z
    .looseObject({
      phase: z.string().optional(),
      podIP: z.string().optional(),
      podIPs: z.array(z.looseObject({ ip: z.string() })).optional(),
      hostIP: z.string().optional(),
      conditions: z.array(ConditionSchema).optional(),
      containerStatuses: z.array(ContainerStatusSchema).optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
});
export type Pod = z.infer<typeof PodSchema>;

// ---------------------------------------------------------------- Service, Endpoints, EndpointSlice

export const ServicePortSchema = z.looseObject({
  name: z.string().optional(),
  protocol: z.string().optional(),
  port: z.number(),
  targetPort: z.union([z.number(), z.string()]).optional(),
  nodePort: z.number().optional(),
});

export const ServiceSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({
    type: z.string().optional(),
    clusterIP: z.string().optional(),
    clusterIPs: z.array(z.string()).optional(),
    selector: StrMap.nullish(),
    ports: z.array(ServicePortSchema).optional(),
    externalIPs: z.array(z.string()).optional(),
    sessionAffinity: z.string().optional(),
    externalTrafficPolicy: z.string().optional(),
    internalTrafficPolicy: z.string().optional(),
    publishNotReadyAddresses: z.boolean().optional(),
  }),
});
export type Service = z.infer<typeof ServiceSchema>;

const EndpointAddressSchema = z.looseObject({
  ip: z.string(),
  nodeName: z.string().optional(),
  targetRef: z
    .looseObject({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() })
    .optional(),
});

export const EndpointsSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  subsets: z
    .array(
      z.looseObject({
        addresses: z.array(EndpointAddressSchema).optional(),
        notReadyAddresses: z.array(EndpointAddressSchema).optional(),
        ports: z
          .array(z.looseObject({ name: z.string().optional(), port: z.number(), protocol: z.string().optional() }))
          .optional(),
      }),
    )
    .optional(),
});
export type Endpoints = z.infer<typeof EndpointsSchema>;

export const EndpointSliceSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  addressType: z.string(),
  endpoints: z
    .array(
      z.looseObject({
        addresses: z.array(z.string()),
        conditions: z
          .looseObject({
            ready: z.boolean().nullish(),
            serving: z.boolean().nullish(),
            terminating: z.boolean().nullish(),
          })
          .optional(),
        nodeName: z.string().optional(),
        targetRef: z
          .looseObject({ kind: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() })
          .optional(),
      }),
    )
    .nullish(),
  ports: z
    .array(z.looseObject({ name: z.string().optional(), port: z.number().nullish(), protocol: z.string().optional() }))
    .nullish(),
});
export type EndpointSlice = z.infer<typeof EndpointSliceSchema>;

// ---------------------------------------------------------------- workloads, events, configmaps

const PodTemplateSchema = z.looseObject({
  metadata: z.looseObject({ labels: StrMap.optional() }).optional(),
  spec: z.looseObject({ containers: z.array(ContainerSchema).default([]), hostNetwork: z.boolean().optional() }),
});

export const DaemonSetSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({
    selector: z.looseObject({ matchLabels: StrMap.optional() }).optional(),
    template: PodTemplateSchema,
  }),
  status: z
    .looseObject({
      desiredNumberScheduled: z.number().optional(),
      currentNumberScheduled: z.number().optional(),
      numberReady: z.number().optional(),
      numberAvailable: z.number().optional(),
      numberUnavailable: z.number().optional(),
    })
    .optional(),
});
export type DaemonSet = z.infer<typeof DaemonSetSchema>;

export const DeploymentSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  spec: z.looseObject({
    replicas: z.number().optional(),
    selector: z.looseObject({ matchLabels: StrMap.optional() }).optional(),
    template: PodTemplateSchema,
  }),
  status: z
    .looseObject({
      replicas: z.number().optional(),
      readyReplicas: z.number().optional(),
      availableReplicas: z.number().optional(),
      unavailableReplicas: z.number().optional(),
    })
    .optional(),
});
export type Deployment = z.infer<typeof DeploymentSchema>;

export const KubeEventSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  involvedObject: z.looseObject({
    kind: z.string().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
  }),
  reason: z.string().optional(),
  message: z.string().optional(),
  type: z.string().optional(),
  count: z.number().optional(),
  firstTimestamp: z.string().nullish(),
  lastTimestamp: z.string().nullish(),
  source: z.looseObject({ component: z.string().optional(), host: z.string().optional() }).optional(),
});
export type KubeEvent = z.infer<typeof KubeEventSchema>;

export const ConfigMapSchema = z.looseObject({
  metadata: ObjectMetaSchema,
  data: StrMap.optional(),
});
export type ConfigMap = z.infer<typeof ConfigMapSchema>;

/** `kubectl get X -A -o json`: kind "List" (or "PodList"...), items validated one by one. */
export const KubeListSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  items: z.array(z.unknown()),
});

export const KubeVersionSchema = z.looseObject({
  clientVersion: z.looseObject({ gitVersion: z.string().optional() }).optional(),
  serverVersion: z.looseObject({ gitVersion: z.string().optional() }).optional(),
});
