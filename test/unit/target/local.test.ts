import assert from 'node:assert/strict';
import { LocalTarget } from '../../../src/core/target/local';
import { targetContract } from './contract';

targetContract('LocalTarget', async () => ({ target: new LocalTarget(), close: async () => undefined }));

describe('LocalTarget', () => {
  it('names itself as this machine', () => {
    const target = new LocalTarget();
    assert.deepEqual([target.id, target.label, target.isLocal, target.pathStyle], ['local', 'this server', true, 'posix']);
  });
});
