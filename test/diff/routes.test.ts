// A route lost between two collections (healthy -> route-missing): the new NET-205 on worker-1 is
// explained by the route to worker-2's pod subnet that went away, cited on both sides.
import { describe, expect, it } from 'vitest';
import { bundlePaths } from '../scenario-helpers.js';
import { byCategory, diffCli, type DiffJson } from './helpers.js';

describe('netsnap diff healthy -- route-missing', () => {
  it('NET-205 on worker-1 is new because its route to 10.244.2.0/24 was removed', async () => {
    const r = await diffCli([...bundlePaths('healthy'), '--', ...bundlePaths('route-missing'), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as DiffJson;
    expect(byCategory(j).new).toEqual(['NET-205/node:worker-1', 'SYS-108/node:worker-1']);
    const src = new Map(j.sources.map((s) => [s.key, s]));
    const why = j.findings.find((f) => f.id === 'NET-205/node:worker-1')?.explainedBy.map((k) => src.get(k));
    expect(why?.map((s) => [s?.kind, s?.change, s?.node, s?.before])).toEqual([
      ['route', 'removed', 'worker-1', '10.244.2.0/24 via 10.244.2.0 dev flannel.1'],
    ]);
    expect(why?.[0]?.beforeRef).toMatchObject({ path: 'host/ip-route.json', pointer: '/3' });
    expect(why?.[0]?.beforeRef?.quote).toContain('"dst":"10.244.2.0/24"');
    // where it would be: the after side's route table
    expect(why?.[0]?.afterRef).toMatchObject({ path: 'host/ip-route.json', pointer: '' });
  });
});
