// The CoreDNS metrics rules (DNS-420..DNS-423, docs/metrics.md), in id order, spread into dnsRules.
import type { Rule } from '../types.js';
import { corednsMetricsUpstreamDown } from './coredns-metrics-upstream-down.js';
import { corednsMetricsUpstreamErrors } from './coredns-metrics-upstream-errors.js';
import { corednsMetricsServfailShare } from './coredns-metrics-servfail-share.js';
import { corednsMetricsPanics } from './coredns-metrics-panics.js';

export const corednsMetricsRules: readonly Rule[] = [
  corednsMetricsUpstreamDown,
  corednsMetricsUpstreamErrors,
  corednsMetricsServfailShare,
  corednsMetricsPanics,
];
