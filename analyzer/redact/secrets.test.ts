import { describe, expect, it } from 'vitest';
import { Counts } from './counts.js';
import { RedactKey } from './key.js';
import { redactSecretsInText, type SecretContext } from './secrets.js';

const ctx = (): SecretContext => ({ key: new RedactKey('000102030405060708090a0b0c0d0e0f'), counts: new Counts() });
const TOKEN = /REDACTED-[a-z0-9-]+-[a-z2-7]{10}/;

// [input, the secret that must go, the kind counted]
const LEAKS: [string, string, string][] = [
  ['--token=abc123def456', 'abc123def456', 'secret.flag'],
  ['kube-proxy --token abc123def456 --v=2', 'abc123def456', 'secret.flag'],
  ['DB_PASSWORD=hunter2', 'hunter2', 'secret.key-value'],
  [
    'export AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'secret.key-value',
  ],
  ['  password: my secret pass  # set by ops', 'my secret pass', 'secret.key-value'],
  ['{"apiKey":"k-1234567890"}', 'k-1234567890', 'secret.key-value'],
  ['Authorization: Bearer sha256~AbCdEf0123456789', 'sha256~AbCdEf0123456789', 'secret.bearer'],
  ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA==', 'secret.basic-auth'],
  ['etcd https://root:s3cr3t@10.0.0.5:2379', 's3cr3t', 'secret.url-password'],
  [
    'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlMTIz here',
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlMTIz',
    'secret.jwt',
  ],
  ['key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE', 'secret.aws-access-key'],
  [
    'gh token ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'secret.github-token',
  ],
  [
    'kubeadm join --discovery-token-unsafe-skip-ca-verification abcdef.0123456789abcdef',
    'abcdef.0123456789abcdef',
    'secret.bootstrap-token',
  ],
  [
    '    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=',
    'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=',
    'secret.pem-base64',
  ],
  ['{"name": "API_TOKEN",\n  "value": "tok-abc-123"', 'tok-abc-123', 'secret.env-value'],
  [
    'https://acct.blob.core.windows.net/c?sv=2020&sig=AbCdEfGh1234567890%2Bxyz',
    'AbCdEfGh1234567890%2Bxyz',
    'secret.sas-signature',
  ],
];

// text that must come out byte for byte: what the analyzer reads
const KEEP = [
  'tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
  'secretName: tls-cert',
  '-A KUBE-SVC-ERIFXISQEP7F7OF4 -m comment --comment "kube-system/kube-dns:dns-tcp -> 10.244.0.2:53" -j KUBE-SEP-IT2ZTR26TO4XFPTO',
  'forward . 233.5.5.5 { max_concurrent 1000 }',
  'E0115 10:00:00.000000 1 proxier.go:1530] "Failed to execute iptables-restore" err="exit status 1"',
  'authentication:\n  anonymous:\n    enabled: false',
  'the bearer token expired; password reset required',
  'FLANNEL_SUBNET=10.244.1.1/24',
  'password: ${DB_PASSWORD}',
  'image: registry.k8s.io/coredns/coredns:v1.11.3@sha256:9caabbf6238b189a65d0d6e6ac138de60d6a1c419e5a341fbbb7c78382559c6e',
];

describe('secret detectors', () => {
  for (const [input, secret, kind] of LEAKS) {
    it(`removes ${kind} from ${JSON.stringify(input.slice(0, 40))}`, () => {
      const c = ctx();
      const out = redactSecretsInText(input, c);
      expect(out).not.toContain(secret);
      expect(out).toMatch(TOKEN);
      expect(c.counts.get(kind)).toBeGreaterThanOrEqual(1);
    });
  }
  for (const text of KEEP) {
    it(`keeps ${JSON.stringify(text.slice(0, 50))}`, () => {
      const c = ctx();
      expect(redactSecretsInText(text, c)).toBe(text);
      expect(c.counts.total()).toBe(0);
    });
  }

  it('gives the same secret the same token everywhere, and different secrets different ones', () => {
    const c = ctx();
    const out = redactSecretsInText('A_TOKEN=s3cr3t-value\nB_TOKEN=s3cr3t-value\nC_TOKEN=other-value\n', c).split('\n');
    const tok = (l: string) => l.split('=')[1];
    expect(tok(out[0]!)).toBe(tok(out[1]!));
    expect(tok(out[0]!)).not.toBe(tok(out[2]!));
  });

  it('removes a PEM block split over timestamped log lines and keeps the line count', () => {
    const log = [
      '2025-01-15T09:58:04.1Z loading -----BEGIN PRIVATE KEY-----',
      '2025-01-15T09:58:04.2Z MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
      '2025-01-15T09:58:04.3Z c2VjcmV0LWtleS1ib2R5LWxpbmUtdHdvLXNlY3JldC1rZXk=',
      '2025-01-15T09:58:04.4Z -----END PRIVATE KEY-----',
      '2025-01-15T09:58:05.0Z [INFO] plugin/reload: Running configuration SHA512 = 1234',
    ].join('\n');
    const c = ctx();
    const out = redactSecretsInText(log, c);
    expect(out.split('\n')).toHaveLength(5);
    expect(out).not.toMatch(/MIIEvQ|c2VjcmV0|BEGIN PRIVATE/);
    expect(out.split('\n')[4]).toBe('2025-01-15T09:58:05.0Z [INFO] plugin/reload: Running configuration SHA512 = 1234');
    expect(out.split('\n')[1]!.startsWith('2025-01-15T09:58:04.2Z ')).toBe(true);
    expect(c.counts.get('secret.pem-private-key')).toBe(1);
  });

  it('removes a PEM block with JSON-escaped newlines without breaking the escapes', () => {
    const json =
      '{"msg":"-----BEGIN CERTIFICATE-----\\nMIIC0zCCAbugAwIBAgIJAKzz0123456789\\n-----END CERTIFICATE-----\\n"}';
    const out = redactSecretsInText(json, ctx());
    expect(() => JSON.parse(out)).not.toThrow();
    expect(out).not.toContain('MIIC0z');
  });

  it('is idempotent: redacting redacted text changes nothing', () => {
    const once = redactSecretsInText(LEAKS.map(([i]) => i).join('\n'), ctx());
    const c = ctx();
    expect(redactSecretsInText(once, c)).toBe(once);
    expect(c.counts.total()).toBe(0);
  });
});
