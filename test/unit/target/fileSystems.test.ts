import assert from 'node:assert/strict';
import { fileSystemOfMagic } from '../../../src/core/target/posix/fileSystems';

describe('POSIX file systems by their statfs magic', () => {
  it('names network file systems by their statfs magic numbers', () => {
    const cases: Array<[number, string]> = [
      [0x6969, 'nfs'],
      [0xff534d42, 'cifs'],
      [0xfe534d42, 'smb2'],
      [0x517b, 'smb'],
      [0x65735546, 'fuse'],
      [0x01021997, '9p'],
      [0x00c36400, 'ceph'],
    ];
    for (const [magic, name] of cases) assert.deepEqual(fileSystemOfMagic(magic), { name, kind: 'network' });
  });

  it('accepts the sign-extended form of large magic numbers', () => {
    assert.deepEqual(fileSystemOfMagic(0xff534d42 | 0), { name: 'cifs', kind: 'network' });
  });

  it('calls proc and sysfs virtual, and ext4, xfs, btrfs and tmpfs local, by name', () => {
    assert.deepEqual(fileSystemOfMagic(0x9fa0), { name: 'proc', kind: 'virtual' });
    assert.deepEqual(fileSystemOfMagic(0x62656572), { name: 'sysfs', kind: 'virtual' });
    const local = [0xef53, 0x58465342, 0x9123683e, 0x01021994].map((magic) => fileSystemOfMagic(magic));
    assert.deepEqual(local, ['ext4', 'xfs', 'btrfs', 'tmpfs'].map((name) => ({ name, kind: 'local' })));
  });

  it('names an unlisted magic in hex, still local; no magic at all is unknown', () => {
    assert.deepEqual(fileSystemOfMagic(0x12345678), { name: '0x12345678', kind: 'local' });
    assert.deepEqual(fileSystemOfMagic(0), { name: '', kind: 'unknown' });
  });
});

