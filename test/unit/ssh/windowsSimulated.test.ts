// The SSH target against a SIMULATED Windows OpenSSH server (test/support/simulatedWindowsSshd.ts:
// ssh2's Server in this process with canned answers written from the documentation). The probe,
// the Windows shell's command lines and the SFTP path forms go through the real SSH transport.
// Every result here is simulated; none is a Windows run.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CMD_LINE_CAP } from '../../../src/core/target/powershell/commandLine';
import { SshCode, openSshTarget, type SshTarget } from '../../../src/core/target/ssh';
import { findSecrets } from '../../support/secretSearch';
import type { DefaultShell } from '../../support/simulatedWindows';
import { startSimulatedWindowsSshd, type SimulatedWindowsSshd } from '../../support/simulatedWindowsSshd';
import { connectOptions, rejectsWith, scriptedPrompts, sshTempDir } from './support';
import { until } from '../target/processes';

async function open(sshd: SimulatedWindowsSshd, dir: string): Promise<SshTarget> {
  const known = await fs.mkdtemp(path.join(dir, 'known-'));
  await fs.writeFile(path.join(known, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  const destination = { name: `admin@127.0.0.1:${sshd.port}`, host: sshd.host, port: sshd.port, user: sshd.user, identityFiles: [sshd.clientKeyFile], jumps: [] };
  return openSshTarget(destination, connectOptions(known, scriptedPrompts({ trust: false })));
}

describe('SshTarget on a SIMULATED Windows OpenSSH server (canned answers; not a Windows run)', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = await sshTempDir();
  });
  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  for (const shell of ['cmd', 'powershell', 'pwsh', 'pwsh-git'] as DefaultShell[]) {
    it(`the probe picks the Windows shell under ${shell} as the default shell and reads the facts in its second session`, async () => {
      const sshd = await startSimulatedWindowsSshd(dir, { shell });
      const target = await open(sshd, dir);
      try {
        assert.equal(target.pathStyle, 'win32');
        const lines = [...sshd.simulation.commandLines];
        assert.equal(lines.length, 2, 'uname, then the facts script');
        assert.match(lines[0]!, /^uname -s && /);
        assert.match(lines[1]!, /^powershell\.exe -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/]+=*$/);
        const facts = await target.facts();
        assert.equal(sshd.simulation.commandLines.length, 2, 'the facts came from the probe');
        assert.deepEqual([facts.platform, facts.arch, facts.osVersion, facts.elevated, facts.dotNetRelease, facts.homeDir], ['win32', 'x64', '10.0.20348', true, 528449, 'C:\\Users\\admin']);
      } finally {
        await target.close();
        await sshd.close();
      }
    });
  }

  it("writes, reads, lists and removes files by their Windows paths, which SFTP gets as /C:/ names", async () => {
    const sshd = await startSimulatedWindowsSshd(dir);
    const target = await open(sshd, dir);
    try {
      const folder = 'C:\\Users\\admin\\setup\\config';
      await target.mkdir(folder);
      assert.ok(sshd.simulation.folders.has('/C:/Users/admin/setup/config'));
      const file = `${folder}\\agent.json`;
      await target.writeFileAtomic(file, '{"a":1}');
      assert.equal((await target.readFile(file, 1024)).toString(), '{"a":1}');
      await target.writeFileAtomic(file, '{"a":2}');
      assert.equal((await target.readFile(file, 1024)).toString(), '{"a":2}');
      assert.deepEqual(await target.stat(file), { kind: 'file', size: 7, private: false });
      assert.deepEqual(await target.readdir(folder), ['agent.json']);
      await target.rename(file, `${folder}\\agent.old.json`);
      assert.deepEqual(await target.readdir(folder), ['agent.old.json']);
      // The atomic replace went through the shell's MoveFileEx, not SFTP.
      assert.ok(sshd.simulation.scripts.some((s) => s.includes('MoveFileEx')));
      await target.remove(`${folder}\\agent.old.json`);
      assert.deepEqual(await target.readdir(folder), []);
      await target.remove('C:\\Users\\admin\\setup');
      assert.equal(await target.stat(folder), undefined);
      assert.deepEqual(sshd.badSftpPaths, [], 'every SFTP path was in /C:/ form');
      assert.ok(sshd.sftpPaths.some((p) => p.startsWith('/C:/Users/admin/setup/config/.agent.json.')));
    } finally {
      await target.close();
      await sshd.close();
    }
  });

  it('writes a private file through PowerShell with its ACL, the content on stdin, never over SFTP or in a command line', async () => {
    const sshd = await startSimulatedWindowsSshd(dir);
    const target = await open(sshd, dir);
    try {
      const marker = 'MARKER-secret-9d41c7';
      await target.mkdir('C:\\ProgramData\\BackupAgentSetup', { private: true });
      const file = 'C:\\ProgramData\\BackupAgentSetup\\proxy.secret';
      await target.writeFileAtomic(file, marker, { private: true, exclusive: true });
      assert.ok(sshd.simulation.privatePaths.has('/C:/ProgramData/BackupAgentSetup'));
      assert.ok(sshd.simulation.privatePaths.has('/C:/ProgramData/BackupAgentSetup/proxy.secret'));
      await assert.rejects(target.writeFileAtomic(file, marker, { private: true, exclusive: true }), { code: 'EEXIST' });
      assert.equal((await target.readFile(file, 1024)).toString(), marker);
      const sent = {
        ...Object.fromEntries(sshd.simulation.commandLines.map((l, i) => [`command line ${i}`, l])),
        ...Object.fromEntries([...sshd.sftpWrites].map(([p, bytes]) => [`sftp ${p}`, bytes])),
      };
      assert.deepEqual(findSecrets(sent, [marker]), []);
      assert.ok(sshd.simulation.stdins.some((s) => s.includes(Buffer.from(marker).toString('base64'))), 'the content came on stdin');
    } finally {
      await target.close();
      await sshd.close();
    }
  });

  it('reads free space and drive kinds, runs programs ("not found" too), and sends a long script as a file within the cap', async () => {
    const sshd = await startSimulatedWindowsSshd(dir);
    const target = await open(sshd, dir);
    try {
      assert.deepEqual((await target.freeSpace('C:\\ProgramData')).fileSystem, { name: 'NTFS', kind: 'local' });
      assert.equal((await target.freeSpace('F:\\cache')).fileSystem.kind, 'removable');
      assert.equal((await target.freeSpace('E:\\cache')).fileSystem.kind, 'network');
      const ran = await target.run('agent.exe', ['status', '--json'], { stdin: '{}' });
      assert.deepEqual(ran.outcome, { kind: 'exited', code: 0 });
      assert.match(ran.stdout, /^simulated agent\.exe status --json/);
      assert.deepEqual((await target.run('missing-program', [])).outcome, { kind: 'notFound' });
      const long = await target.run('agent.exe', ['x'.repeat(7000)]);
      assert.deepEqual(long.outcome, { kind: 'exited', code: 0 });
      const viaFile = sshd.simulation.commandLines.filter((l) => l.includes(' -File '));
      assert.equal(viaFile.length, 1);
      assert.ok(sshd.sftpPaths.some((p) => /^\/C:\/Users\/admin\/AppData\/Local\/Temp\/backup-agent-setup-[0-9a-f]{12}\.ps1$/.test(p)));
      assert.equal([...sshd.simulation.files.keys()].filter((k) => k.endsWith('.ps1')).length, 0, 'the script file was removed');
      for (const line of sshd.simulation.commandLines) assert.ok(line.length <= CMD_LINE_CAP, `${line.length}`);
      assert.deepEqual(sshd.badSftpPaths, []);
    } finally {
      await target.close();
      await sshd.close();
    }
  });

  it("stops a command after its time-out with taskkill on the process id it printed first, and a dropped connection is ConnectionLost", async () => {
    const sshd = await startSimulatedWindowsSshd(dir);
    const target = await open(sshd, dir);
    try {
      const stopped = await target.run('hang', [], { timeoutMs: 300 });
      assert.deepEqual(stopped.outcome, { kind: 'timedOut', afterMs: 300 });
      assert.equal(stopped.stderr.includes('4242'), false, 'the process id is the preamble, not output');
      await until(() => sshd.simulation.commandLines.includes('taskkill /PID 4242 /T /F'), 'taskkill');
      const controller = new AbortController();
      const aborted = target.run('hang', [], { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      assert.deepEqual((await aborted).outcome, { kind: 'aborted' });
      await rejectsWith(target.run('drop', []), SshCode.ConnectionLost);
    } finally {
      await target.close();
      await sshd.close();
    }
  });
});
