// `netsnap alerts`: print Prometheus alert rules for the failures netsnap diagnoses (a PrometheusRule
// for the Prometheus Operator, or a plain rule file), each with the netsnap rule doc as its runbook.
import { checkSelector, renderAlerts, type AlertFormat } from '../alerts/render.js';
import { didYouMean, emitOutput, HELP_OPTION, outputOf, parseCommand, usageError } from './args.js';

const USAGE = `usage: netsnap alerts [options]

Print alert rules that page on what netsnap diagnoses: CoreDNS down, slow or failing upstreams,
Services without ready endpoints, kube-proxy down or not syncing. Each alert's runbook_url points
at the netsnap rule that finds the cause in a bundle. Check the output with \`promtool check rules\`.

options:
  --format prometheusrule|rules  a PrometheusRule object (default) or a plain Prometheus rule file
  -o, --output FILE              write it to FILE (atomically) instead of stdout
  --coredns-selector M           label matchers of the CoreDNS scrape job (default job=~"coredns|kube-dns")
  --kube-proxy-selector M        ... of kube-proxy (default job="kube-proxy")
  --ksm-selector M               ... of kube-state-metrics (default job="kube-state-metrics")
  --ksm-legacy                   kube-state-metrics exports kube_endpoint_address_available, not
                                 kube_endpoint_address{ready}
  --runbook-base URL             where docs/rules.md is published (runbook_url = URL#<rule id>)
  --name NAME, --namespace NS    metadata of the PrometheusRule (default netsnap-network, monitoring)
  --label K=V                    a label on the PrometheusRule (repeatable; e.g. release=prometheus)
  -h, --help`;

const FORMATS: readonly AlertFormat[] = ['prometheusrule', 'rules'];
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const LABEL = /^([A-Za-z0-9][-A-Za-z0-9_./]{0,252})=([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export async function run(argv: string[]): Promise<number> {
  const p = parseCommand(
    'alerts',
    argv,
    {
      ...HELP_OPTION,
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'coredns-selector': { type: 'string' },
      'kube-proxy-selector': { type: 'string' },
      'ksm-selector': { type: 'string' },
      'ksm-legacy': { type: 'boolean' },
      'runbook-base': { type: 'string' },
      name: { type: 'string' },
      namespace: { type: 'string' },
      label: { type: 'string', multiple: true },
    },
    USAGE,
  );
  if ('exit' in p) return p.exit;
  const v = p.values;
  if (p.positionals.length > 0) return usageError('alerts', `unexpected argument ${p.positionals[0] ?? ''}`);
  const format = (v.format ?? 'prometheusrule') as AlertFormat;
  if (!FORMATS.includes(format))
    return usageError(
      'alerts',
      `--format ${v.format ?? ''} is not one of ${FORMATS.join(', ')}`,
      didYouMean(v.format ?? '', FORMATS),
    );
  const output = outputOf('alerts', v);
  if (output === 2) return 2;
  for (const flag of ['coredns-selector', 'kube-proxy-selector', 'ksm-selector'] as const) {
    const sel = v[flag];
    const why = sel === undefined ? undefined : checkSelector(sel);
    if (why) return usageError('alerts', `--${flag}: ${why}`, 'e.g. --coredns-selector \'job="coredns"\'');
  }
  for (const flag of ['name', 'namespace'] as const) {
    const value = v[flag];
    if (value !== undefined && !NAME.test(value))
      return usageError('alerts', `--${flag} ${value} is not a Kubernetes object name`);
  }
  const labels: Record<string, string> = {};
  for (const l of v.label ?? []) {
    const m = LABEL.exec(l);
    if (!m) return usageError('alerts', `--label ${l} is not K=V with a valid label name and value`);
    labels[m[1] as string] = l.slice((m[1] as string).length + 1);
  }
  const base = v['runbook-base'];
  if (base !== undefined && (/[\s"'<>`]/.test(base) || base.length > 500))
    return usageError('alerts', '--runbook-base must be a URL without spaces or quotes');
  const text = renderAlerts(format, {
    selectors: {
      ...(v['coredns-selector'] ? { coredns: v['coredns-selector'] } : {}),
      ...(v['kube-proxy-selector'] ? { kubeProxy: v['kube-proxy-selector'] } : {}),
      ...(v['ksm-selector'] ? { kubeStateMetrics: v['ksm-selector'] } : {}),
      ksmLegacy: v['ksm-legacy'] === true,
    },
    runbookBase: base,
    name: v.name,
    namespace: v.namespace,
    labels,
  });
  return emitOutput('alerts', output, text);
}
