// The redaction key: one secret per map file, so the same secret or name gives the same token in
// every bundle redacted with that map, while nobody without the map can confirm a guess (a plain
// hash of a weak password could be checked against a word list; a keyed one cannot).
import { createHmac, randomBytes } from 'node:crypto';

export class RedactKey {
  private readonly key: Buffer;
  constructor(keyHex?: string) {
    this.key = keyHex ? Buffer.from(keyHex, 'hex') : randomBytes(32);
    if (this.key.length < 16) throw new Error('redaction key must be at least 16 bytes (32 hex digits)');
  }
  get hex(): string {
    return this.key.toString('hex');
  }
  /** keyed digest of `label` + `value` */
  digest(label: string, value: string | Buffer): Buffer {
    return createHmac('sha256', this.key).update(label).update('\0').update(value).digest();
  }
  private readonly cache = new Map<string, string>();
  /** short lowercase base32 (RFC 4648 alphabet, no padding): DNS-label safe */
  short(label: string, value: string, chars = 6): string {
    if (value.length > 256) return base32(this.digest(label, value)).slice(0, chars);
    const k = `${chars}\0${label}\0${value}`;
    let v = this.cache.get(k);
    if (v === undefined) {
      v = base32(this.digest(label, value)).slice(0, chars);
      if (this.cache.size >= 50_000) this.cache.clear(); // a bounded memo: the same secret recurs in many files
      this.cache.set(k, v);
    }
    return v;
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function base32(buf: Uint8Array): string {
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const b of buf) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

/**
 * The text that replaces a secret. Only [a-z0-9-] so it is valid inside YAML, JSON, URLs, shell
 * words, iptables comments and log lines without quoting, and it says what kind of thing it was.
 */
export function secretToken(key: RedactKey, kind: string, value: string): string {
  return `REDACTED-${kind}-${key.short('secret', value, 10)}`;
}

/** recognises a token written by secretToken (to keep a second redaction idempotent) */
export const SECRET_TOKEN_RE = /^REDACTED-[a-z0-9-]+-[a-z2-7]{10}$/;
