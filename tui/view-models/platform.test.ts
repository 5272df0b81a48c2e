import { describe, expect, it } from 'vitest';
import { daemonSetJson, kubeList, nodeJson, snapshotOf } from '../../analyzer/model/testing.js';
import { platformSummary } from './platform.js';

describe('header platform summary', () => {
  it('names the distribution and the components whose style is known', () => {
    const node = nodeJson({ name: 'n1', annotations: { 'flannel.alpha.coreos.com/backend-type': 'vxlan' } }) as {
      status: object;
    };
    const s = snapshotOf({
      node: 'n1',
      files: {
        'cluster/nodes.json': kubeList([{ ...node, status: { nodeInfo: { kubeletVersion: 'v1.29.1+k3s2' } } }]),
        'cluster/daemonsets.json': kubeList([daemonSetJson({ name: 'svclb-traefik' })]),
      },
    });
    expect(platformSummary(s.derived)).toBe('k3s: flannel embedded, kube-proxy embedded, calico absent');
  });

  it('says distribution unknown when nothing does', () => {
    expect(platformSummary(snapshotOf({ node: 'n1', files: { 'host/uname.txt': 'Linux\n' } }).derived)).toBe(
      'distribution unknown',
    );
  });
});
