// Which keys, flags and env names hold secrets, and which values are not secrets even there.
// A name is split into words on `_`, `-`, `.`, `/`, `:` and camelCase (`DB_PASS`, `--db-pass`,
// `dbPass` and `db.pass` are the words `db pass`); it is sensitive when one word is a secret word
// (`pass`, `pwd`, `secret`, `token`, `credentials`, `auth`, `key`...) or when the name run together
// holds a longer one (`DBPASSWORD`, `apikey`), unless its last word says where the secret lives
// rather than what it is (`tokenFile`, `secretName`, `passwordRef`, `key_id`).

/** whole words that make a name sensitive */
const SECRET_WORDS = new Set([
  'pass',
  'passwd',
  'password',
  'passwords',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'tokens',
  'bearer',
  'credential',
  'credentials',
  'creds',
  'auth',
  'authkey',
  'authtoken',
  'apikey',
  'key',
  'privatekey',
  'secretkey',
  'accesskey',
]);

/** sensitive even inside a run-together name (`DBPASSWORD`, `xapikey`, `clientkeydata`) */
const SECRET_INFIXES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'bearer',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
  'accountkey',
  'sharedaccesskey',
  'signingkey',
  'encryptionkey',
  'credential',
  'authkey',
  'clientkeydata',
  'clientcertificatedata',
  'certificateauthoritydata',
];

/** a last word that names where a secret lives, not the secret: `tokenFile`, `secretName`, `passwordRef` */
const INDIRECT_LAST = new Set([
  'file',
  'files',
  'path',
  'dir',
  'ref',
  'name',
  'names',
  'ttl',
  'period',
  'duration',
  'seconds',
  'type',
  'count',
  'enabled',
  'mode',
  'method',
  'header',
  'id',
  'keyref',
  'secretkeyref',
  'provider',
  'length',
  'policy',
  'required',
  'url',
  'endpoint',
  'usage',
  'usages',
]);

/** names that hold a key's name, not a secret (`key` of a toleration, selector or secretKeyRef) */
const KEY_NAMES = new Set(['key', 'keys', 'topologykey', 'matchlabelkeys', 'mismatchlabelkeys', 'labelkey']);

/** the words of a name: `--dbPass_v2.x` -> [db, pass, v2, x] */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[-_.\s/:]+/)
    .filter((w) => w.length > 0);
}

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

const verdicts = new Map<string, boolean>();

/** memoized: a bundle asks about the same few hundred names millions of times */
export function isSensitiveName(name: string): boolean {
  let v = verdicts.get(name);
  if (v === undefined) {
    v = sensitive(name);
    if (verdicts.size >= 50_000) verdicts.clear();
    verdicts.set(name, v);
  }
  return v;
}

function sensitive(name: string): boolean {
  const bare = name.replace(/^-+/, '');
  const n = normalizeName(bare);
  if (n.length === 0 || n.length > 120 || bare.startsWith('REDACTED-')) return false;
  if (KEY_NAMES.has(n)) return false;
  const words = nameWords(bare);
  if (!words.some((w) => SECRET_WORDS.has(w)) && !SECRET_INFIXES.some((w) => n.includes(w))) return false;
  const last = words[words.length - 1] ?? '';
  if (SECRET_WORDS.has(last)) return true;
  // `private_key_id` names a key in a service-account JSON: the id is part of the credential
  if (last === 'id' && words.length >= 3 && words[words.length - 2] === 'key' && words[words.length - 3] === 'private')
    return true;
  if (INDIRECT_LAST.has(last)) return false;
  // a run-together last word (`tokenfile`, `secretname`) is indirect too, unless it ends in the secret word
  for (const s of INDIRECT_LAST)
    if (last.endsWith(s) && last.length > s.length && !SECRET_INFIXES.some((w) => last.endsWith(w))) return false;
  return true;
}

/**
 * Values that are never secrets even under a sensitive key: empty, booleans, file paths,
 * references to other variables, placeholders, and our own tokens (redacting twice is a no-op).
 */
export function isExemptValue(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  if (v === '') return true;
  if (/^(true|false|null|nil|none|<none>|<nil>|\*+|x+|redacted|<redacted>|\[redacted\])$/i.test(v)) return true;
  if (v.startsWith('/')) return true; // a path: where the secret is, not what it is
  if (/^\$(\{|\()[^}]*[})]$/.test(v) || /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return true; // ${VAR}, $(VAR), $VAR
  if (/^REDACTED-[a-z0-9-]+$/.test(v)) return true;
  return false;
}

/** JSON fields that hold hashes, ids and digests by definition: never scanned for high-entropy runs */
const KNOWN_SAFE_FIELDS = new Set([
  'uid',
  'resourceversion',
  'imageid',
  'image',
  'containerid',
  'machineid',
  'systemuuid',
  'bootid',
  'generation',
  'podip',
  'hostip',
]);

const HASH_WORDS = new Set(['hash', 'digest', 'checksum', 'sha1', 'sha256', 'sha512', 'fingerprint']);

export function isKnownSafeField(key: string | undefined): boolean {
  if (key === undefined) return false;
  const n = normalizeName(key);
  if (KNOWN_SAFE_FIELDS.has(n) || /(hash|digest|checksum|sha1|sha256|sha512|fingerprint)$/.test(n)) return true;
  // `checksum/config` (Helm), `sha256/app`: named as a hash by one of its words
  return nameWords(key).some((w) => HASH_WORDS.has(w));
}
