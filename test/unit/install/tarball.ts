/**
 * Builds .tar.gz archives entry by entry with tar's own Header, so tests can make what a packer
 * would refuse to: absolute and `..` paths, links out of the folder, hard links, devices.
 */
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface RawEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice' | 'BlockDevice' | 'FIFO';
  data?: string | Buffer;
  mode?: number;
  linkpath?: string;
}

export function tarGz(entries: readonly RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'File';
    const data = Buffer.from(entry.data ?? '');
    const header = new Header({
      path: entry.path,
      type,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: type === 'File' ? data.length : 0,
      linkpath: entry.linkpath,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    if (header.encode(block, 0)) throw new Error(`${entry.path}: needs a pax header, keep test paths short`);
    blocks.push(block);
    if (type === 'File' && data.length > 0) blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A minimal valid agent package around `extra` entries. */
export function agentTarGz(version: string, extra: readonly RawEntry[] = [], main = `console.log(${JSON.stringify(version)});\n`): Buffer {
  return tarGz([
    { path: 'backup-agent/', type: 'Directory' },
    { path: 'backup-agent/main.js', data: main, mode: 0o755 },
    { path: 'backup-agent/package.json', data: JSON.stringify({ name: 'backup-agent', version }) },
    ...extra,
  ]);
}
