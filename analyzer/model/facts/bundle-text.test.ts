import { describe, expect, it } from 'vitest';
import { flagInArgv, flagInLines, yamlKeyInLines } from './bundle-text.js';

describe('flags and config keys with their lines', () => {
  it('--flag=value and --flag value in manifests and args files, quoted or in a JSON-ish list', () => {
    expect(
      flagInLines(['    - --cluster-cidr=10.244.0.0/16', '    - --cluster-name=kubernetes'], 'cluster-cidr'),
    ).toEqual([{ value: '10.244.0.0/16', line: 1 }]);
    expect(flagInLines(['KUBELET_ARGS="--foo --cluster-cidr 10.1.0.0/16"'], 'cluster-cidr')).toEqual([
      { value: '10.1.0.0/16', line: 1 },
    ]);
    expect(
      flagInLines(['    - "--service-cluster-ip-range=10.43.0.0/16,fd00:43::/112"'], 'service-cluster-ip-range'),
    ).toEqual([{ value: '10.43.0.0/16,fd00:43::/112', line: 1 }]);
    // a longer flag with the same start is another flag
    expect(flagInLines(['- --cluster-cidr-mask=24'], 'cluster-cidr')).toEqual([]);
  });

  it('argv: --flag=value and --flag value', () => {
    expect(
      flagInArgv(
        ['kcm', '--cluster-cidr=10.244.0.0/16', '--cluster-cidr', '10.0.0.0/8', '--cluster-cidr'],
        'cluster-cidr',
      ),
    ).toEqual([
      { value: '10.244.0.0/16', index: 1 },
      { value: '10.0.0.0/8', index: 3 },
    ]);
  });

  it('k3s/RKE2 config keys: inline, quoted, commented, or a YAML list', () => {
    expect(yamlKeyInLines(['cluster-cidr: "10.42.0.0/16" # default'], 'cluster-cidr')).toEqual([
      { value: '10.42.0.0/16', line: 1 },
    ]);
    expect(
      yamlKeyInLines(['cluster-cidr:', '  - 10.42.0.0/16', '  - "fd00:42::/56"', 'token: x'], 'cluster-cidr'),
    ).toEqual([
      { value: '10.42.0.0/16', line: 2 },
      { value: 'fd00:42::/56', line: 3 },
    ]);
    expect(yamlKeyInLines(['cluster-cidr: [10.42.0.0/16, fd00:42::/56]'], 'cluster-cidr')).toEqual([
      { value: '10.42.0.0/16,fd00:42::/56', line: 1 },
    ]);
    expect(yamlKeyInLines(['# cluster-cidr: 10.42.0.0/16'], 'cluster-cidr')).toEqual([]);
  });
});
