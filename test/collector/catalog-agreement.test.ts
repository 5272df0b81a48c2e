// The source catalog lives in three places that must not drift: analyzer/bundle/sources.ts, the
// tables in docs/bundle-format.md, and the ids the collector script can write.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIGMAP_ALLOW_LIST,
  DISTRO_SOURCES,
  FIXED_SOURCES,
  HOST_LOG_CONTAINERS,
  HOST_LOG_NAMESPACES,
  JOURNAL_UNITS,
  PATTERN_SOURCES,
  SYSCTL_KEYS,
} from '../../analyzer/bundle/sources.js';
import { SCRIPT } from './bundle.js';

const script = readFileSync(SCRIPT, 'utf8');
const doc = readFileSync(resolve(import.meta.dirname, '../../docs/bundle-format.md'), 'utf8');

/** Rows of the doc's source tables: | `id` | `path` | scope | `command` | */
const docRows = [
  ...doc.matchAll(/^\| `((?:cluster|host)\.[^`]+)` \| `([^`]+)` \| (cluster|host) \| `([^`]+)` \|$/gm),
].map((m) => ({ id: m[1]!, path: m[2]!, scope: m[3]!, command: m[4]! }));

/** `id|path|command` lines of one of the script's host tables (HOST_FIXED, HOST_DISTRO) */
function hostTable(name: string): { id: string; path: string; command: string }[] {
  const body = script.split(`\n${name}='\n`)[1]?.split("\n'\n")[0] ?? '';
  return [...body.matchAll(/^(host\.[a-z0-9-]+)\|(host\/[^|]+)\|(.+)$/gm)].map((m) => ({
    id: m[1]!,
    path: m[2]!,
    command: m[3]!,
  }));
}

/** Fixed ids the script can write: HOST_FIXED lines, list names, and literal cluster ids. */
function scriptFixedIds(): string[] {
  const host = hostTable('HOST_FIXED').map((r) => r.id);
  const lists =
    script
      .match(/^LISTS='([^']+)'/m)?.[1]
      ?.split(' ')
      .map((l) => `cluster.${l.split(':')[0]}`) ?? [];
  const calico =
    script
      .match(/^CALICO_LISTS='([^']+)'/m)?.[1]
      ?.split(' ')
      .map((l) => `cluster.calico.${l.split(':')[0]}`) ?? [];
  const literal = [...script.matchAll(/\bkube(?:_list)? (cluster\.[a-z]+) /g)].map((m) => m[1]!);
  return [...new Set([...host, ...lists, ...calico, ...literal])];
}

describe('source catalog agreement', () => {
  it('the doc tables list exactly FIXED_SOURCES and PATTERN_SOURCES, with the same paths and commands', () => {
    const expected = [...FIXED_SOURCES, ...DISTRO_SOURCES, ...PATTERN_SOURCES].map(({ id, path, scope, command }) => ({
      id,
      path,
      scope,
      command,
    }));
    expect(docRows).toEqual(expected);
  });

  it('the script can write every fixed id and no other', () => {
    expect(scriptFixedIds().sort()).toEqual(FIXED_SOURCES.map((s) => s.id).sort());
  });

  it('the script writes each host source at its catalog path', () => {
    const hostSpecs = FIXED_SOURCES.filter((s) => s.scope === 'host').map(({ id, path, command }) => ({
      id,
      path,
      command,
    }));
    expect(hostTable('HOST_FIXED')).toEqual(hostSpecs);
    expect(hostTable('HOST_DISTRO')).toEqual(DISTRO_SOURCES.map(({ id, path, command }) => ({ id, path, command })));
    // every host id|path line of the script is in one of the two tables
    expect([...script.matchAll(/^(host\.[a-z0-9-]+)\|host\//gm)].length).toBe(hostSpecs.length + DISTRO_SOURCES.length);
  });

  it('the script builds pattern ids and paths the catalog way', () => {
    expect(script).toContain('"cluster.configmap.${_cm%/*}.${_cm#*/}" "cluster/configmaps/$_cm.json"');
    expect(script).toContain('"cluster.log.$_ns.$_pod.$_c" "cluster/logs/$_ns/$_pod/$_c.log"');
    expect(script).toContain('"cluster.log.$_ns.$_pod.$_c.previous" "cluster/logs/$_ns/$_pod/$_c.previous.log"');
    expect(script).toContain('"host.cni.$_b" "host/cni/$_b"');
    expect(script).toContain(
      'collect_dir host.k3s-config-d host/k3s/config.yaml.d /etc/rancher/k3s/config.yaml.d scrub',
    );
    expect(script).toContain(
      'collect_dir host.rke2-config-d host/rke2/config.yaml.d /etc/rancher/rke2/config.yaml.d scrub',
    );
    expect(script).toContain('collect_dir host.k3s-cni host/k3s/cni /var/lib/rancher/k3s/agent/etc/cni/net.d cat');
    expect(script).toContain(
      'collect_dir host.microk8s-cni host/microk8s/cni-network /var/snap/microk8s/current/args/cni-network scrub',
    );
    expect(script).toContain('collect_dir host.static-pod host/static-pods /etc/kubernetes/manifests scrub');
    expect(script).toContain(
      'collect_dir host.rke2-static-pod host/rke2/pod-manifests /var/lib/rancher/rke2/agent/pod-manifests scrub',
    );
    expect(script).toContain(
      '"host.journal.$_u" "host/journal/$_u.log" journalctl -u "$_u" --no-pager -n "$LOG_LINES" -o short-iso',
    );
    expect(script).toContain(
      '"host.pod-log.$_ns.$_pod.$_c" "host/pod-logs/$_ns/$_pod/$_c.log" tail -n "$LOG_LINES" "$_new"',
    );
    expect(script).toContain(
      '"host.pod-log.$_ns.$_pod.$_c.previous" "host/pod-logs/$_ns/$_pod/$_c.previous.log" tail -n "$LOG_LINES" "$_prev"',
    );
    // each collect_dir pattern is in the catalog with its host directory and mode
    for (const m of script.matchAll(/^ {2}collect_dir (host\.[a-z0-9-]+) (host\/[^ ]+) (\/[^ ]+) (cat|scrub)$/gm)) {
      expect(
        PATTERN_SOURCES.find((p) => p.id === `${m[1]}.<file>`),
        m[1],
      ).toMatchObject({ path: `${m[2]}/<file>`, command: `${m[4]} ${m[3]}/<file>` });
    }
    expect(script).toContain(
      'kube "cluster.metrics.coredns.$_pod" "cluster/metrics/coredns/$_pod.prom" get --raw "/api/v1/namespaces/$_ns/pods/$_pod:9153/proxy/metrics"',
    );
    expect(PATTERN_SOURCES.map((p) => p.id)).toEqual([
      'cluster.configmap.<ns>.<name>',
      'cluster.log.<ns>.<pod>.<container>',
      'cluster.log.<ns>.<pod>.<container>.previous',
      'cluster.metrics.coredns.<pod>',
      'host.cni.<file>',
      'host.k3s-config-d.<file>',
      'host.rke2-config-d.<file>',
      'host.k3s-cni.<file>',
      'host.microk8s-cni.<file>',
      'host.static-pod.<file>',
      'host.rke2-static-pod.<file>',
      'host.journal.<unit>',
      'host.pod-log.<ns>.<pod>.<container>',
      'host.pod-log.<ns>.<pod>.<container>.previous',
    ]);
  });

  it('the script reads the journal of exactly JOURNAL_UNITS and pod logs of exactly HOST_LOG_NAMESPACES/CONTAINERS', () => {
    expect(script.match(/^JOURNAL_UNITS='([^']+)'/m)?.[1]?.split(' ')).toEqual([...JOURNAL_UNITS]);
    expect(script.match(/^HOST_LOG_NAMESPACES='([^']+)'/m)?.[1]?.split(' ')).toEqual([...HOST_LOG_NAMESPACES]);
    expect(script.match(/^HOST_LOG_CONTAINERS='([^']+)'/m)?.[1]?.split(' ')).toEqual([...HOST_LOG_CONTAINERS]);
    for (const unit of JOURNAL_UNITS) expect(doc, unit).toContain(`\`${unit}\``);
  });

  it('the script reads exactly SYSCTL_KEYS and fetches exactly CONFIGMAP_ALLOW_LIST', () => {
    expect(script.match(/^SYSCTL_KEYS='([^']+)'/m)?.[1]?.split(' ')).toEqual([...SYSCTL_KEYS]);
    expect(script.match(/^CONFIGMAPS='([^']+)'/m)?.[1]?.split(' ')).toEqual(
      CONFIGMAP_ALLOW_LIST.map((c) => `${c.namespace}/${c.name}`),
    );
    for (const key of SYSCTL_KEYS) expect(doc, key).toContain(`\`${key}\``);
  });
});
