// Issues 20 (item 9) and 21: --pseudonymize renames every name that identifies the owner,
// consistently: nodes (`control-plane` too) everywhere including the output file names and bundle
// ids, user namespaces, Services, Deployments, their ReplicaSets (`web-7d9f8b6c5d`), pods and
// their generateName (`web-7d9f8b6c5d-`), EndpointSlices and their generateName (`web-`), user
// ConfigMaps. Meaning-bearing keys stay: `node-role.kubernetes.io/control-plane`, `tier`.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBundleDir } from '../../analyzer/bundle/write.js';
import { readBundle } from '../../analyzer/bundle/read.js';
import { redactQuiet } from './redact-quiet.js';
import { bundleEntries } from '../../analyzer/model/testing.js';
import { readMapFile, reverseText } from '../../analyzer/redact/map-file.js';
import { analyzePaths, shapeOf } from './equivalence.js';
import { tableBundles } from './planted-table.js';

const tmp = mkdtempSync(join(tmpdir(), 'netsnap-redact-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NODES = ['worker-1', 'worker-2', 'control-plane'];
/** user objects: the names and every generated name built on them */
const OWNED = [
  'shop',
  'web',
  'web-7d9f8b6c5d',
  'web-7d9f8b6c5d-abcde',
  'web-7d9f8b6c5d-fghij',
  'web-x8k2m',
  'web-q4n7z',
  'app-config',
];
/** what a generated suffix looks like (a hash, a 5-character pod suffix, or the generateName dash) */
const GENERATED = /^(?:[a-z0-9]*[0-9][a-z0-9]*|[bcdfghjklmnpqrstvwxz2-9]{5})(?:-[a-z0-9]{5})?-?$|^$/;

/** the original names a piece of text still shows, as `name in «token»` */
function survivors(text: string): string[] {
  const out = new Set<string>();
  // the role key is a well-known word, kept on purpose (asserted below)
  const scanned = text.replaceAll('node-role.kubernetes.io/control-plane', '');
  for (const tok of new Set(scanned.split(/[^A-Za-z0-9-]+/))) {
    if (tok === '') continue;
    for (const n of NODES) {
      if (tok === n || tok.startsWith(`${n}-`) || tok.endsWith(`-${n}`) || tok.includes(`-${n}-`))
        out.add(`${n} in «${tok}»`);
    }
    for (const n of OWNED) {
      if (tok === n || (tok.startsWith(`${n}-`) && GENERATED.test(tok.slice(n.length + 1))))
        out.add(`${n} in «${tok}»`);
    }
  }
  return [...out].sort();
}

function walk(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).flatMap((n) => walk(join(path, n))) : [path];
}

describe('--pseudonymize renames every owner name', () => {
  it('leaves no node, namespace, workload or generated name in content, entry names or file names', async () => {
    const inputs: string[] = [];
    for (const raw of tableBundles({ controlPlane: true })) {
      const dir = join(tmp, 'in', raw.id);
      await writeBundleDir(dir, bundleEntries(raw));
      inputs.push(dir);
    }
    const inText = inputs
      .flatMap(walk)
      .map((f) => `${relative(tmp, f)}\n${readFileSync(f, 'latin1')}`)
      .join('\n');
    // the originals show every name (else the test proves nothing)
    for (const n of [...NODES, ...OWNED])
      expect(
        survivors(inText).some((s) => s.startsWith(`${n} in`)),
        n,
      ).toBe(true);

    const out = join(tmp, 'out');
    expect(await redactQuiet([...inputs, '-o', out, '--pseudonymize'])).toBe(0);
    const files = walk(out);
    expect(files).toHaveLength(2);
    const outText = files
      .map((f) => `${relative(out, f)}\n${gunzipSync(readFileSync(f)).toString('latin1')}`)
      .join('\n');
    expect(survivors(outText)).toEqual([]);

    // bundle ids (file names) use the node's pseudonym; consistent with the map
    const names = (await readMapFile(`${out}.map.json`)).names;
    expect(names['control-plane']).toMatch(/^node-[a-z2-7]{6}$/);
    expect(files.map((f) => relative(out, f)).sort()).toEqual(
      [
        `netsnap-${names['worker-1']}-20250115T100000Z.tar.gz`,
        `netsnap-${names['worker-2']}-20250115T100100Z.tar.gz`,
      ].sort(),
    );
    // --reverse brings the derived names back (they are in the map)
    const map = await readMapFile(`${out}.map.json`);
    expect(reverseText(`netsnap-${names['worker-1']}-20250115T100000Z`, map)).toBe('netsnap-worker-1-20250115T100000Z');
    expect(names['web-7d9f8b6c5d-']).toBe(`${names['web']}-7d9f8b6c5d-`);
    expect(names['web-7d9f8b6c5d']).toBe(`${names['web']}-7d9f8b6c5d`);

    // keys that mean something keep their words
    const w1 = await readBundle(files.find((f) => f.includes(names['worker-1']!))!);
    const nodes = w1.files.get('cluster/nodes.json')!.toString('utf8');
    expect(nodes).toContain('"node-role.kubernetes.io/control-plane"');
    expect(nodes).toContain(`"kubernetes.io/hostname": "${names['control-plane']}"`);
    expect(w1.manifest?.node).toBe(names['worker-1']);

    const before = shapeOf(await analyzePaths(inputs), new Map(Object.entries(names)));
    const after = shapeOf(await analyzePaths(files));
    expect(after.findings).toEqual(before.findings);
    expect(after.chains).toEqual(before.chains);
  }, 60_000);

  it("redacts netsnap collect's collection.json with the same names and writes it beside the bundles", async () => {
    const out = join(tmp, 'collected');
    const scenario = join(import.meta.dirname, '../../fixtures/scenarios/collect-node-timed-out');
    expect(await redactQuiet([scenario, '-o', out, '--pseudonymize'])).toBe(0);
    const index = readFileSync(join(out, 'collection.json'), 'utf8');
    expect(survivors(index)).toEqual([]);
    const names = (await readMapFile(`${out}.map.json`)).names;
    const bundles = (JSON.parse(index) as { nodes: { bundle: string }[] }).nodes.map((n) => n.bundle);
    for (const b of bundles.filter((x) => x)) expect(readdirSync(out)).toContain(`${b}.tar.gz`);
    expect(index).toContain(`"node": "${names['worker-2']}"`);
  });
});
