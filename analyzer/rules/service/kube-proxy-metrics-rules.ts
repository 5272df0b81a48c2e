// The kube-proxy metrics rules (SVC-340..SVC-342, docs/metrics.md), in id order, spread into serviceRules.
import type { Rule } from '../types.js';
import { kubeProxyMetricsSyncStale } from './kube-proxy-metrics-sync-stale.js';
import { kubeProxyMetricsRestoreFailures } from './kube-proxy-metrics-restore-failures.js';
import { kubeProxyMetricsSlowProgramming } from './kube-proxy-metrics-slow-programming.js';

export const kubeProxyMetricsRules: readonly Rule[] = [
  kubeProxyMetricsSyncStale,
  kubeProxyMetricsRestoreFailures,
  kubeProxyMetricsSlowProgramming,
];
