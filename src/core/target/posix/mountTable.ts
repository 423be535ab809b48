/**
 * Linux's mount table as /proc/self/mountinfo gives it (proc(5)): which mount a path is on. Over
 * SSH it is one SFTP read, where `stat -f` would be a session (and a login shell) on the server.
 */
export interface Mount {
  mountPoint: string;
  /** The file system type as the kernel names it: "ext4", "nfs4", "fuse.sshfs". */
  type: string;
}

/**
 * Each line: id, parent, major:minor, root, mount point, options, optional fields, "-", type,
 * source, super options. Lines that do not read so are skipped.
 */
export function parseMountInfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash < 0 || dash + 1 >= fields.length || !fields[4]?.startsWith('/') || !fields[dash + 1]) continue;
    mounts.push({ mountPoint: unescapeOctal(fields[4]), type: unescapeOctal(fields[dash + 1]) });
  }
  return mounts;
}

/** The kernel writes a space, tab, newline or backslash in a name as \ooo. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * The mount `file` (absolute, symbolic links resolved) is on: the longest mount point above it,
 * of equal ones the last listed (mounted over the others).
 */
export function mountOf(mounts: readonly Mount[], file: string): Mount | undefined {
  let found: Mount | undefined;
  for (const mount of mounts) {
    const point = mount.mountPoint;
    const inside = file === point || file.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (inside && (!found || point.length >= found.mountPoint.length)) found = mount;
  }
  return found;
}
