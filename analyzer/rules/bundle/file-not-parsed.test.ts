import { ruleTester } from '../testing.js';
import { fileNotParsed } from './file-not-parsed.js';
import { snapshotOf } from '../../model/testing.js';

ruleTester(fileNotParsed).run({
  valid: [{ name: 'good JSON', snapshot: () => snapshotOf({ id: 'b1', node: 'w1', files: { 'cluster/pods.json': { apiVersion: 'v1', kind: 'List', items: [] } } }) }],
  invalid: [
    {
      name: 'pods.json cut short',
      snapshot: () => snapshotOf({ id: 'b1', node: 'w1', files: { 'cluster/pods.json': '{\n  "apiVersion": "v1",\n  "items": [\n' } }),
      findings: [{ status: 'warn', subject: 'bundle:b1', messageId: 'parse-error', data: { file: 'cluster/pods.json' } }],
    },
  ],
});
