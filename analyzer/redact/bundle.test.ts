import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../model/build.js';
import { kubeList, podJson, rawBundle, serviceJson, nodeJson } from '../model/testing.js';
import { redactBundles } from './bundle.js';
import { JsonScanError, rewriteJsonStrings } from './json-strings.js';
import { RedactKey } from './key.js';
import { MAP_FORMAT, reverseText } from './map-file.js';
import { redactionNotice } from './notice.js';

const key = new RedactKey('000102030405060708090a0b0c0d0e0f');

describe('rewriteJsonStrings', () => {
  it('passes each value with its key, its object name and the previous array element', () => {
    const seen: string[] = [];
    const text = '{"env": [{"name": "DB_PASSWORD", "value": "x"}], "args": ["--token", "t"], "n": 1}';
    rewriteJsonStrings(text, (v, c) => {
      seen.push(`${v}|${c.key ?? ''}|${c.parentKey ?? ''}|${c.siblingName ?? ''}|${c.prevInArray ?? ''}`);
      return v;
    });
    expect(seen).toEqual(['DB_PASSWORD|name|env||', 'x|value|env|DB_PASSWORD|', '--token||args||', 't||args||--token']);
  });

  it('changes only the rewritten literals, byte for byte elsewhere', () => {
    const text = '{\n    "a": "keep \\u003c",\n    "b": "x",\n    "c": 1.50\n}\n';
    expect(rewriteJsonStrings(text, (v) => (v === 'x' ? 'y' : v))).toBe(
      '{\n    "a": "keep \\u003c",\n    "b": "y",\n    "c": 1.50\n}\n',
    );
  });

  it('throws JsonScanError (never anything else) on malformed JSON (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          rewriteJsonStrings(s, (v) => v);
        } catch (e) {
          expect(e).toBeInstanceOf(JsonScanError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses nesting past its depth limit instead of overflowing the stack', () => {
    expect(() => rewriteJsonStrings('['.repeat(20_000) + ']'.repeat(20_000), (v) => v)).toThrow(JsonScanError);
  });
});

function cluster() {
  return rawBundle({
    id: 'netsnap-prod-node-7',
    node: 'prod-node-7',
    files: {
      'cluster/nodes.json': kubeList([
        nodeJson({ name: 'prod-node-7', podCIDR: '10.244.3.0/24', internalIP: '10.20.30.40' }),
      ]),
      'cluster/pods.json': kubeList([
        podJson({
          name: 'etcd-prod-node-7',
          namespace: 'kube-system',
          node: 'prod-node-7',
          hostNetwork: true,
          hostIP: '10.20.30.40',
        }),
        podJson({
          name: 'billing-5c9f7-abcde',
          namespace: 'payments',
          node: 'prod-node-7',
          ip: '10.244.3.9',
          labels: { app: 'billing' },
        }),
      ]),
      'cluster/services.json': kubeList([
        serviceJson({ name: 'billing', namespace: 'payments', clusterIP: '10.96.7.7' }),
      ]),
      'host/iptables-save.txt':
        '*nat\n-A KUBE-SERVICES -d 10.96.7.7/32 -p tcp -m comment --comment "payments/billing cluster IP" -j KUBE-SVC-ABCDEFGHIJKLMNOP\nCOMMIT\n',
      'cluster/logs/payments/billing-5c9f7-abcde/app.log': 'GET billing.payments.svc.cluster.local from prod-node-7\n',
    },
  });
}

describe('redactBundles --pseudonymize', () => {
  it('renames user namespaces, workloads, pods and nodes everywhere, consistently', () => {
    const r = redactBundles([cluster()], { key, pseudonymize: true, now: '2025-01-01T00:00:00Z' });
    const b = r.bundles[0]!;
    const ns = r.names.payments!;
    const svc = r.names.billing!;
    const node = r.names['prod-node-7']!;
    expect(ns).toMatch(/^ns-/);
    expect(svc).toMatch(/^svc-/);
    expect(r.names['billing-5c9f7-abcde']).toBe(`${svc}-5c9f7-abcde`);
    expect(r.names['etcd-prod-node-7']).toBe(`etcd-${node}`);
    expect(r.names['kube-system']).toBeUndefined();
    const ipt = b.files.get('host/iptables-save.txt')!.toString();
    expect(ipt).toContain(`--comment "${ns}/${svc} cluster IP"`);
    expect(ipt).toContain('KUBE-SVC-ABCDEFGHIJKLMNOP');
    expect(ipt).not.toContain('10.96.7.7');
    expect([...b.files.keys()]).toContain(`cluster/logs/${ns}/${svc}-5c9f7-abcde/app.log`);
    expect(b.files.get(`cluster/logs/${ns}/${svc}-5c9f7-abcde/app.log`)!.toString()).toBe(
      `GET ${svc}.${ns}.svc.cluster.local from ${node}\n`,
    );
    expect(b.manifest?.node).toBe(node);
    expect(b.manifest?.redaction).toMatchObject({
      tool: expect.stringMatching(/^netsnap redact/),
      at: '2025-01-01T00:00:00Z',
      pseudonymized: true,
    });
    expect(b.manifest?.redaction?.counts['pseudonym.namespace']).toBeGreaterThan(0);
  });

  it('leaves the input bundle untouched', () => {
    const raw = cluster();
    const before = new Map([...raw.files].map(([k, v]) => [k, Buffer.from(v)]));
    redactBundles([raw], { key, pseudonymize: true });
    expect(raw.files).toEqual(before);
  });

  it('reverses support text back to real names and addresses', () => {
    const raw = cluster();
    const r = redactBundles([raw], { key, pseudonymize: true });
    const ns = r.names.payments!;
    const svc = r.names.billing!;
    const ip = r.ips['10.96.7.7/32']!.replace('/32', '');
    const answer = `Service ${ns}/${svc} (${ip}) has no endpoints; pod CIDR ${r.ips['10.244.3.0/24'] ?? ''} is fine.`;
    const map = { format: MAP_FORMAT, version: 1 as const, key: key.hex, createdAt: 'x', names: r.names, ips: r.ips };
    expect(reverseText(answer, map)).toBe(
      'Service payments/billing (10.96.7.7) has no endpoints; pod CIDR 10.244.3.0/24 is fine.',
    );
  });
});

describe('redactionNotice', () => {
  const meta = (redacted: boolean, pseudo = false) => {
    const raw = rawBundle({
      id: `b${redacted}${pseudo}`,
      files: {},
      manifest: redacted ? { redaction: { tool: 't', at: 'x', pseudonymized: pseudo, counts: {} } } : {},
    });
    return buildSnapshot([raw]).bundles[0]!;
  };
  it('says the state and warns only when sharing unredacted bundles', () => {
    expect(redactionNotice([meta(false)], { forSharing: true })).toMatchObject({
      state: 'not-redacted',
      unredacted: ['bfalsefalse'],
      warning: expect.stringContaining('netsnap redact'),
    });
    expect(redactionNotice([meta(false)]).warning).toBeUndefined();
    expect(redactionNotice([meta(true, true)], { forSharing: true })).toMatchObject({
      state: 'pseudonymized',
      unredacted: [],
    });
    expect(redactionNotice([meta(true, true)], { forSharing: true }).warning).toBeUndefined();
    expect(redactionNotice([meta(true), meta(false)]).state).toBe('mixed');
    expect(redactionNotice([meta(true)]).state).toBe('redacted');
  });
});
