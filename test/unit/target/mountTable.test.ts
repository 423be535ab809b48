import assert from 'node:assert/strict';
import { fileSystemOfType } from '../../../src/core/target/posix/fileSystems';
import { mountOf, parseMountInfo } from '../../../src/core/target/posix/mountTable';

// Lines as proc(5) shows them: optional fields before the "-", names with \ooo escapes.
const TABLE = [
  '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '21 26 0:20 / /proc rw,relatime - proc proc rw',
  '40 26 0:40 / /srv/backup\\040cache rw,relatime shared:12 master:3 - nfs4 nas:/export rw,vers=4.2',
  '41 26 0:41 / /mnt/s rw,nosuid - fuse.sshfs me@host:/ rw',
  '42 26 0:42 / /mnt/s rw - tmpfs tmpfs rw',
  '43 26 0:43 / /var rw - xfs /dev/vdb rw',
  'not a mount line',
  '',
].join('\n');

describe('The mount table (/proc/self/mountinfo)', () => {
  const mounts = parseMountInfo(TABLE);

  it('reads the mount point and type of each line, past optional fields and \\ooo escapes, skipping others', () => {
    assert.deepEqual(mounts, [
      { mountPoint: '/', type: 'ext4' },
      { mountPoint: '/proc', type: 'proc' },
      { mountPoint: '/srv/backup cache', type: 'nfs4' },
      { mountPoint: '/mnt/s', type: 'fuse.sshfs' },
      { mountPoint: '/mnt/s', type: 'tmpfs' },
      { mountPoint: '/var', type: 'xfs' },
    ]);
  });

  it('finds the longest mount point above a path, and of two on one point the last mounted', () => {
    assert.equal(mountOf(mounts, '/srv/backup cache/agent')?.type, 'nfs4');
    assert.equal(mountOf(mounts, '/srv/backup cache')?.type, 'nfs4');
    assert.equal(mountOf(mounts, '/srv/backup cache2')?.type, 'ext4', 'a name that only starts like a mount point is not under it');
    assert.equal(mountOf(mounts, '/mnt/s/x')?.type, 'tmpfs');
    assert.equal(mountOf(mounts, '/variable')?.type, 'ext4');
    assert.equal(mountOf(mounts, '/var/cache')?.type, 'xfs');
    assert.equal(mountOf([], '/x'), undefined);
  });

  it('judges each type as the statfs magic would', () => {
    for (const type of ['nfs', 'nfs4', 'cifs', 'smb3', '9p', 'ceph', 'fuse', 'fuse.sshfs', 'fuseblk']) assert.deepEqual(fileSystemOfType(type), { name: type, kind: 'network' }, type);
    for (const type of ['proc', 'sysfs', 'cgroup2']) assert.deepEqual(fileSystemOfType(type), { name: type, kind: 'virtual' }, type);
    for (const type of ['ext4', 'xfs', 'tmpfs', 'overlay', 'fuser']) assert.deepEqual(fileSystemOfType(type), { name: type, kind: 'local' }, type);
    assert.equal(fileSystemOfType('').kind, 'unknown');
  });
});
