// The probe-layer rules (PRB-5xx), in id order: what the collector's opt-in --probe saw, as symptoms
// the causal linker puts under the root causes that explain them (each rule's explainedBy).
import type { Rule } from '../types.js';
import { probeNodeUnreachable } from './probe-node-unreachable.js';
import { probeRemotePodUnreachable } from './probe-remote-pod-unreachable.js';
import { probeServiceUnreachable } from './probe-service-unreachable.js';
import { probeClusterDnsFailed } from './probe-cluster-dns-failed.js';
import { probeExternalDnsFailed } from './probe-external-dns-failed.js';
import { probeDnsUpstreamFailed } from './probe-dns-upstream-failed.js';
import { probeExternalIpUnreachable } from './probe-external-ip-unreachable.js';
import { probeTracerDisagrees } from './probe-tracer-disagrees.js';

export const probeRules: readonly Rule[] = [
  probeNodeUnreachable,
  probeRemotePodUnreachable,
  probeServiceUnreachable,
  probeClusterDnsFailed,
  probeExternalDnsFailed,
  probeDnsUpstreamFailed,
  probeExternalIpUnreachable,
  probeTracerDisagrees,
];
