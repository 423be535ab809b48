/**
 * A SIMULATED Windows OpenSSH server, in this process (ssh2's Server) on 127.0.0.1: exec answers
 * come from the canned Windows simulation (simulatedWindows.ts) as cmd.exe, Windows PowerShell
 * or pwsh would give them as the default shell, and its SFTP subsystem shows the drives as Windows
 * OpenSSH does (`/C:/Users/admin/x`), refusing any other path form. It exercises the probe, the
 * shell's command lines and the SFTP path forms through the real SSH transport; it is not
 * Windows, and nothing run against it is a Windows result.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Server, utils, type Connection, type ServerChannel, type SFTPWrapper } from 'ssh2';
import { WindowsSimulation, type SimulationOptions } from './simulatedWindows';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

export interface SimulatedWindowsSshd {
  host: string;
  port: number;
  user: string;
  /** `[127.0.0.1]:port ssh-ed25519 …` for a known_hosts file. */
  knownHostsLine: string;
  /** The client's private key file (0600), the one key the server accepts. */
  clientKeyFile: string;
  simulation: WindowsSimulation;
  /** Every path an SFTP request named, in order; and those not in Windows OpenSSH's form. */
  sftpPaths: string[];
  badSftpPaths: string[];
  /** Every byte written over SFTP, by path. */
  sftpWrites: Map<string, Buffer>;
  close(): Promise<void>;
}

const SFTP_FORM = /^\/[A-Z]:(\/[^\\]*)?$/;
const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || p;

/**
 * An ed25519 pair ssh2 can read back: about 0.4% of the ones its generateKeyPairSync makes are
 * refused by its own parser ("Malformed OpenSSH private key": 82 of 21,900 measured on
 * 2026-12-07), which failed a whole suite's before-hook now and then.
 */
function parseableKeyPair(): ReturnType<typeof utils.generateKeyPairSync> {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

export async function startSimulatedWindowsSshd(dir: string, options: SimulationOptions = {}): Promise<SimulatedWindowsSshd> {
  const hostKey = parseableKeyPair();
  const clientKey = parseableKeyPair();
  const clientKeyFile = path.join(dir, 'id_windows_sim');
  await fs.writeFile(clientKeyFile, clientKey.private, { mode: 0o600 });
  const allowed = utils.parseKey(clientKey.public);
  if (allowed instanceof Error) throw allowed;
  const simulation = new WindowsSimulation(options);
  const sftpPaths: string[] = [];
  const badSftpPaths: string[] = [];
  const sftpWrites = new Map<string, Buffer>();
  const connections = new Set<Connection>();
  const hanging: ServerChannel[] = [];

  const serveSftp = (sftp: SFTPWrapper) => {
    const handles = new Map<number, { path: string; dir: boolean; listed?: boolean }>();
    let next = 0;
    const handleOf = (p: string, isDir: boolean) => {
      const id = ++next;
      handles.set(id, { path: p, dir: isDir });
      const b = Buffer.alloc(4);
      b.writeUInt32BE(id);
      return b;
    };
    const lookup = (h: Buffer) => handles.get(h.readUInt32BE(0));
    /** Records the path; false (after answering NO_SUCH_FILE) when it is not in Windows OpenSSH's form. */
    const checked = (reqid: number, p: string) => {
      sftpPaths.push(p);
      if (SFTP_FORM.test(p)) return true;
      badSftpPaths.push(p);
      sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
      return false;
    };
    const norm = (p: string) => (p.length > 3 && p.endsWith('/') ? p.slice(0, -1) : p);
    const attrsOf = (p: string) => {
      const now = Math.floor(Date.now() / 1000);
      if (simulation.folders.has(p)) return { mode: 0o040755, size: 0, uid: 0, gid: 0, atime: now, mtime: now };
      const file = simulation.files.get(p);
      return file ? { mode: 0o100644, size: file.length, uid: 0, gid: 0, atime: now, mtime: now } : undefined;
    };
    const stat = (reqid: number, p: string) => {
      if (!checked(reqid, p)) return;
      const attrs = attrsOf(norm(p));
      if (attrs) sftp.attrs(reqid, attrs);
      else sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    };
    sftp.on('LSTAT', stat);
    sftp.on('STAT', stat);
    sftp.on('FSTAT', (reqid, h) => {
      const open = lookup(h);
      const attrs = open && attrsOf(open.path);
      if (attrs) sftp.attrs(reqid, attrs);
      else sftp.status(reqid, STATUS_CODE.FAILURE);
    });
    sftp.on('OPEN', (reqid, p, flags) => {
      if (!checked(reqid, p)) return;
      const exists = simulation.files.has(p);
      if (!simulation.folders.has(parentOf(p))) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
      if (flags & OPEN_MODE.CREAT) {
        if (exists && flags & OPEN_MODE.EXCL) return sftp.status(reqid, STATUS_CODE.FAILURE);
        if (!exists || flags & OPEN_MODE.TRUNC) simulation.files.set(p, Buffer.alloc(0));
      } else if (!exists) {
        return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
      }
      sftp.handle(reqid, handleOf(p, false));
    });
    sftp.on('WRITE', (reqid, h, offset, data) => {
      const open = lookup(h);
      const file = open && simulation.files.get(open.path);
      if (!open || !file) return sftp.status(reqid, STATUS_CODE.FAILURE);
      const grown = Buffer.alloc(Math.max(file.length, offset + data.length));
      file.copy(grown);
      data.copy(grown, offset);
      simulation.files.set(open.path, grown);
      sftpWrites.set(open.path, Buffer.concat([sftpWrites.get(open.path) ?? Buffer.alloc(0), data]));
      sftp.status(reqid, STATUS_CODE.OK);
    });
    sftp.on('READ', (reqid, h, offset, length) => {
      const open = lookup(h);
      const file = open && simulation.files.get(open.path);
      if (!file) return sftp.status(reqid, STATUS_CODE.FAILURE);
      if (offset >= file.length) return sftp.status(reqid, STATUS_CODE.EOF);
      sftp.data(reqid, file.subarray(offset, offset + length));
    });
    sftp.on('CLOSE', (reqid, h) => {
      handles.delete(h.readUInt32BE(0));
      sftp.status(reqid, STATUS_CODE.OK);
    });
    sftp.on('MKDIR', (reqid, p) => {
      if (!checked(reqid, p)) return;
      p = norm(p);
      if (simulation.folders.has(p) || simulation.files.has(p)) return sftp.status(reqid, STATUS_CODE.FAILURE);
      if (!simulation.folders.has(parentOf(p))) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
      simulation.folders.add(p);
      sftp.status(reqid, STATUS_CODE.OK);
    });
    sftp.on('REMOVE', (reqid, p) => {
      if (!checked(reqid, p)) return;
      sftp.status(reqid, simulation.files.delete(p) ? STATUS_CODE.OK : STATUS_CODE.NO_SUCH_FILE);
    });
    sftp.on('OPENDIR', (reqid, p) => {
      if (!checked(reqid, p)) return;
      if (!simulation.folders.has(norm(p))) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
      sftp.handle(reqid, handleOf(norm(p), true));
    });
    sftp.on('READDIR', (reqid, h) => {
      const open = lookup(h);
      if (!open?.dir || open.listed) return sftp.status(reqid, STATUS_CODE.EOF);
      open.listed = true;
      const names = [...simulation.folders, ...simulation.files.keys()].filter((p) => p !== open.path && parentOf(p) === open.path);
      sftp.name(
        reqid,
        names.map((p) => ({ filename: p.slice(p.lastIndexOf('/') + 1), longname: p, attrs: attrsOf(p)! })),
      );
    });
    sftp.on('REALPATH', (reqid, p) => {
      sftp.name(reqid, [{ filename: p === '.' ? '/C:/Users/admin' : p, longname: '', attrs: {} as never }]);
    });
    for (const unsupported of ['SETSTAT', 'FSETSTAT', 'RMDIR', 'RENAME', 'READLINK', 'SYMLINK'] as const) {
      sftp.on(unsupported, (reqid: number) => sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED));
    }
  };

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) return ctx.reject(['publickey']);
      if (!ctx.signature) return ctx.accept();
      if (allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          const input: Buffer[] = [];
          stream.on('data', (d: Buffer) => input.push(d));
          stream.on('end', () => {
            const answer = simulation.answer(info.command, Buffer.concat(input).toString('utf8'));
            if (answer.stdout) stream.write(answer.stdout);
            if (answer.stderr) stream.stderr.write(answer.stderr);
            if (answer.code === 'drop') return client.end();
            if (answer.code === 'hang') return void hanging.push(stream);
            // taskkill /T /F ends the hanging tree: its powershell.exe exits 1.
            if (info.command.startsWith('taskkill ')) for (const h of hanging.splice(0)) {
              h.exit(1);
              h.end();
            }
            stream.exit(answer.code);
            stream.end();
          });
        });
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: '127.0.0.1',
    port,
    user: 'admin',
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.public.split(' ').slice(0, 2).join(' ')}`,
    clientKeyFile,
    simulation,
    sftpPaths,
    badSftpPaths,
    sftpWrites,
    close: async () => {
      for (const c of connections) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
