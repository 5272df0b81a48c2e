// The pseudonym map: written next to the output, never into a bundle. It holds the key, so with it
// anyone can undo the pseudonyms (and confirm a guessed secret's token): keep it with the owner.
import { promises as fsp } from 'node:fs';
import { z } from 'zod';
import { RedactKey } from './key.js';
import { IpPseudonymizer } from './ip-map.js';
import { replaceNames } from './names.js';

export const MAP_FORMAT = 'netsnap-redaction-map' as const;

export const MapFileSchema = z.looseObject({
  format: z.literal(MAP_FORMAT),
  version: z.literal(1),
  key: z.string().regex(/^[0-9a-f]{32,128}$/),
  createdAt: z.string(),
  names: z.record(z.string(), z.string()),
  ips: z.record(z.string(), z.string()),
});
export type MapFile = z.infer<typeof MapFileSchema>;

export async function readMapFile(path: string): Promise<MapFile> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (e) {
    throw new Error(
      `${path}: cannot read the redaction map (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      { cause: e },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${path}: not valid JSON (${(e as Error).message}); is this a map written by \`netsnap redact --pseudonymize\`?`,
      { cause: e },
    );
  }
  const parsed = MapFileSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(
      `${path}: not a netsnap redaction map (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'})`,
    );
  }
  return parsed.data;
}

export async function writeMapFile(path: string, m: MapFile): Promise<void> {
  await fsp.writeFile(path, `${JSON.stringify(m, null, 2)}\n`, { mode: 0o600 });
  await fsp.chmod(path, 0o600);
}

const IPV4_CIDR = /(?<![0-9A-Za-z.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:\/(\d{1,2}))?(?![0-9]|\.\d)/g;
const IPV6_CIDR = /(?<![0-9A-Za-z:.])((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?:\/(\d{1,3}))?(?![0-9A-Za-z:])/g;

/**
 * Translate text written about a pseudonymized bundle (support's answer, a report) back to the
 * real names and addresses. Addresses are inverted with the key, so even ones support computed
 * themselves (another IP in a pseudonym subnet) come back right.
 */
export function reverseText(text: string, m: MapFile): string {
  const ips = new IpPseudonymizer(new RedactKey(m.key));
  const back = (w: string, a: string, p: string | undefined) =>
    (p !== undefined ? ips.cidr(a, Number(p), true) : ips.address(a, true)) ?? w;
  let out = text.replace(IPV4_CIDR, back);
  out = out.replace(IPV6_CIDR, (w, a: string, p: string | undefined) =>
    a.includes('::') || a.split(':').length === 8 ? back(w, a, p) : w,
  );
  const inverse = new Map(Object.entries(m.names).map(([orig, pseudo]) => [pseudo, orig]));
  return replaceNames(out, inverse);
}
