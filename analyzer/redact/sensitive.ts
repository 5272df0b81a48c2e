// Which keys, flags and env names hold secrets, and which values are not secrets even there.
// Names are matched case-insensitively with `-`, `_` and `.` ignored, so `DB_PASSWORD`,
// `--db-password`, `dbPassword` and `db.password` are one name.

const SENSITIVE_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
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
  'credentials',
  'authkey',
  'clientkeydata',
  'clientcertificatedata',
  'certificateauthoritydata',
];

/** a name that says where a secret lives, not the secret: `tokenFile`, `secretName`, `passwordRef` */
const INDIRECT_SUFFIXES = [
  'file',
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
  'header',
  'id',
  'keyref',
  'secretkeyref',
  'provider',
  'length',
  'policy',
  'required',
];

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

export function isSensitiveName(name: string): boolean {
  const n = normalizeName(name.replace(/^-+/, ''));
  if (n.length === 0 || n.length > 80) return false;
  if (!SENSITIVE_WORDS.some((w) => n.includes(w))) return false;
  return !INDIRECT_SUFFIXES.some((s) => n.endsWith(s) && !SENSITIVE_WORDS.some((w) => n.endsWith(w)));
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
