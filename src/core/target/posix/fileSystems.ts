/**
 * What a POSIX file system is, from the superblock magic statfs(2) reports as f_type
 * (linux/magic.h) or from its type in the mount table: the Target's `FileSystem`. Unknown ones
 * count as local, as the kernel's own block file systems are too many to list; a target that
 * cannot tell says `unknown`.
 */
import type { FileSystem } from '../target';

export const UNKNOWN_FILE_SYSTEM: FileSystem = { name: '', kind: 'unknown' };

const NETWORK: ReadonlyMap<number, string> = new Map([
  [0x6969, 'nfs'],
  [0x517b, 'smb'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  // FUSE hides what is underneath; sshfs, s3fs, rclone and glusterfs all show as fuse.
  [0x65735546, 'fuse'],
  [0x01021997, '9p'],
  [0x00c36400, 'ceph'],
  [0x5346414f, 'afs'],
  [0x6b414653, 'kafs'],
  [0x73757245, 'coda'],
  [0x564c, 'ncp'],
  [0x0bd00bd0, 'lustre'],
  [0x47504653, 'gpfs'],
  [0x01161970, 'gfs2'],
]);

const VIRTUAL: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
]);

/** Names for the common local ones, so messages say "ext4" rather than a number. */
const LOCAL: ReadonlyMap<number, string> = new Map([
  [0xef53, 'ext4'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
  [0x01021994, 'tmpfs'],
  [0x794c7630, 'overlay'],
  [0x2fc12fc1, 'zfs'],
  [0xf2f52010, 'f2fs'],
  [0x4d44, 'vfat'],
]);

export function fileSystemOfMagic(type: number): FileSystem {
  // f_type is a signed word: on 32-bit builds magic numbers above 2^31 come back negative.
  const magic = type >>> 0;
  if (magic === 0) return UNKNOWN_FILE_SYSTEM;
  const network = NETWORK.get(magic);
  if (network) return { name: network, kind: 'network' };
  const virtual = VIRTUAL.get(magic);
  if (virtual) return { name: virtual, kind: 'virtual' };
  return { name: LOCAL.get(magic) ?? `0x${magic.toString(16)}`, kind: 'local' };
}

/** The mount table's type names of the network file systems above, with those that differ from the magic's name. */
const NETWORK_TYPES: ReadonlySet<string> = new Set([...NETWORK.values(), 'nfs4', 'smb3', 'smbfs', 'ncpfs']);
const VIRTUAL_TYPES: ReadonlySet<string> = new Set(VIRTUAL.values());

/** The same judgement from the type the mount table names ("ext4", "nfs4", "fuse.sshfs"). */
export function fileSystemOfType(type: string): FileSystem {
  if (!type) return UNKNOWN_FILE_SYSTEM;
  // Every FUSE file system shares one magic, so fuse.* and fuseblk count as network, as that magic does.
  if (NETWORK_TYPES.has(type) || /^fuse(blk)?(\.|$)/.test(type)) return { name: type, kind: 'network' };
  if (VIRTUAL_TYPES.has(type)) return { name: type, kind: 'virtual' };
  return { name: type, kind: 'local' };
}
