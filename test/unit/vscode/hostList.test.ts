// The fleet's typed server list, split as its prompt says: commas or spaces (newlines from a paste too).
import assert from 'node:assert/strict';
import { splitHostList } from '../../../src/vscode/features/remote/hostList';

describe('splitHostList', () => {
  it('splits on commas, spaces, tabs and newlines, in any mix', () => {
    assert.deepEqual(splitHostList('admin@web1 admin@web2,admin@db1:2222\n  web3 ,\tweb4\r\nweb5'), ['admin@web1', 'admin@web2', 'admin@db1:2222', 'web3', 'web4', 'web5']);
  });

  it('keeps no empty entry and no repeat', () => {
    assert.deepEqual(splitHostList(' , ,,  \n'), []);
    assert.deepEqual(splitHostList(',web1,, web1  web2,'), ['web1', 'web2']);
  });
});
