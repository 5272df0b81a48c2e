// Which names hold secrets (issue 21: `pass`, `pwd`, `auth`, `key`, `credentials` count as words,
// split on `_`, `-`, `.` and camelCase; `private_key_id` is not exempted by its `id`), and which
// runs count as high-entropy secrets.
import { describe, expect, it } from 'vitest';
import { isHighEntropy } from './secrets.js';
import { isKnownSafeField, isSensitiveName, nameWords } from './sensitive.js';

const SENSITIVE = [
  'DB_PASS',
  '--db-pass',
  'dbPass',
  'db.pass',
  'adminPwd',
  'DB_PASSWD',
  'DBPASSWORD',
  'GIT_CREDENTIALS',
  'credential',
  'TS_AUTHKEY',
  'auth',
  '_authToken',
  'x-api-key',
  'session.key',
  'SSH_KEY',
  'tls.key',
  'private_key_id',
  'private_key',
  'aws_secret_access_key',
  'clientSecret',
  'apiKey',
  '--oidc-client-secret',
  'client-key-data',
];

const NOT_SENSITIVE = [
  'tokenFile',
  'token-file',
  'secretName',
  'passwordRef',
  'secretKeyRef',
  'AWS_ACCESS_KEY_ID',
  'key',
  'topologyKey',
  'bypass',
  'passthrough',
  'keyFile',
  'authMode',
  'auth-provider',
  'client_id',
  'tokenExpirationSeconds',
  'REDACTED-aws-access-key-abcdefghij',
  'LOG_LEVEL',
  'image',
  'slack_api_url',
];

describe('secret names', () => {
  it('splits names into words', () => {
    expect(nameWords('--dbPass_v2.x')).toEqual(['db', 'pass', 'v2', 'x']);
    expect(nameWords('AWSSecretKey')).toEqual(['aws', 'secret', 'key']);
  });
  for (const n of SENSITIVE) it(`${n} holds a secret`, () => expect(isSensitiveName(n)).toBe(true));
  for (const n of NOT_SENSITIVE) it(`${n} does not`, () => expect(isSensitiveName(n)).toBe(false));
});

describe('high-entropy runs', () => {
  it.each([
    'Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MGFiY2RlZg==',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlIjp7InBhc3N3b3JkIjoiaHVudGVyMiJ9fX0=',
  ])('%s is a secret', (s) => expect(isHighEntropy(s)).toBe(true));
  it.each([
    'KUBE-SVC-TCOU7JCQXEZGVUNU',
    '3f2b6c1d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c',
    '3b2c1d0e-1111-4222-8333-444455556666',
    'kube-proxy-config-7d9f8b6c5d-x2x4q-worker-node-pool-1',
    'ServiceAccountTokenNodeBindingValidation',
    'REDACTED-high-entropy-abcdefghij-REDACTED-aws-access-key',
    'a'.repeat(64),
  ])('%s is not', (s) => expect(isHighEntropy(s)).toBe(false));
  it('known-safe fields: ids, digests and hashes named as such', () => {
    for (const k of ['uid', 'resourceVersion', 'imageID', 'pod-template-hash', 'checksum/config', 'configDigest'])
      expect(isKnownSafeField(k), k).toBe(true);
    for (const k of ['backup.example.com/blob', 'data', undefined]) expect(isKnownSafeField(k), String(k)).toBe(false);
  });
});
