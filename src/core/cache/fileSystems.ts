/**
 * Which file systems can hold the cache folder. The agent needs a local, online volume (facts,
 * section 5): no network share. On Linux the kind shows in `statfs().type`, the superblock magic
 * number (linux/magic.h and statfs(2)).
 */
export type FileSystemKind = 'local' | 'network' | 'virtual';

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

/** Paths that are never storage, whatever file system the statfs call reports. */
const VIRTUAL_ROOTS = ['/proc', '/sys'];

export function classifyFileSystem(type: number): { kind: FileSystemKind; name: string } {
  // f_type is a signed word: on 32-bit builds magic numbers above 2^31 come back negative.
  const magic = type >>> 0;
  const network = NETWORK.get(magic);
  if (network) return { kind: 'network', name: network };
  const virtual = VIRTUAL.get(magic);
  if (virtual) return { kind: 'virtual', name: virtual };
  return { kind: 'local', name: `0x${magic.toString(16)}` };
}

/** `\\server\share\...` or `//server/share/...`: a network path on any platform. */
export function isUncPath(folder: string): boolean {
  return /^(?:\\\\|\/\/)[^\\/]+[\\/]+[^\\/]+/.test(folder);
}

export function isUnderVirtualRoot(absolutePath: string): boolean {
  return VIRTUAL_ROOTS.some((root) => absolutePath === root || absolutePath.startsWith(`${root}/`));
}
