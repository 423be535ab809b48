/**
 * Unpacking on a remote target (unpackOnTarget.ts): one upload and one Node command on the
 * server instead of a write per file. The server is a real sshd on this machine, so the result is
 * checked on the local disk: the same tree, modes and links the Target-by-Target unpack makes.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { unpackAgent } from '../../../src/core/install';
import type { SshTarget } from '../../../src/core/target/ssh';
import { generateKeyPair, sshdUnavailableReason, startSshd, type TestSshd } from '../../support/sshd';
import { tempDir } from '../../support/vault';
import { skipUnless, trustedTarget } from '../ssh/support';
import { agentTarGz } from './tarball';

const mode = async (file: string) => (await fs.stat(file)).mode & 0o7777;

describe('agent package unpack on a remote target', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let target: SshTarget;
  let dir: string;

  before(async function () {
    skipUnless(this, sshdUnavailableReason());
    dir = await tempDir('install-unpack-remote-');
    const key = await generateKeyPair(dir, 'client_ed25519');
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    target = await trustedTarget(sshd, key, dir);
  });
  after(async () => {
    await target?.close();
    await sshd?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the same tree, normalised modes and links as a write per file, and leaves no upload or staging behind', async () => {
    const file = path.join(dir, 'package.tar.gz');
    const big = 'x'.repeat(300_000);
    await fs.writeFile(
      file,
      agentTarGz('1.0.0', [
        { path: 'backup-agent/lib/', type: 'Directory', mode: 0o777 },
        { path: 'backup-agent/lib/util.js', data: 'module.exports = 1;\n', mode: 0o666 },
        { path: 'backup-agent/bin/run.sh', data: '#!/bin/sh\n', mode: 0o4775 },
        { path: 'backup-agent/lib/current', type: 'SymbolicLink', linkpath: '../main.js' },
        { path: 'backup-agent/big.txt', data: big, mode: 0o644 },
      ]),
    );
    const installFolder = path.join(dir, 'install');
    const agentDir = path.join(installFolder, 'agent');
    const progress: number[] = [];
    const result = await unpackAgent({ target, packageFile: file, agentDir, onTarget: true, onProgress: (p) => progress.push(p.entriesDone / p.entriesTotal) });

    assert.deepEqual(result, { version: '1.0.0', agentDir });
    assert.deepEqual((await fs.readdir(agentDir)).sort(), ['big.txt', 'bin', 'lib', 'main.js', 'package.json']);
    assert.equal(await mode(path.join(agentDir, 'main.js')), 0o755);
    assert.equal(await mode(path.join(agentDir, 'package.json')), 0o644);
    assert.equal(await mode(path.join(agentDir, 'lib', 'util.js')), 0o644, 'group and world write dropped');
    assert.equal(await mode(path.join(agentDir, 'bin', 'run.sh')), 0o755, 'setuid dropped');
    assert.equal(await fs.readFile(path.join(agentDir, 'lib', 'util.js'), 'utf8'), 'module.exports = 1;\n');
    assert.equal(await fs.readFile(path.join(agentDir, 'big.txt'), 'utf8'), big);
    assert.equal(await fs.readlink(path.join(agentDir, 'lib', 'current')), '../main.js');
    assert.deepEqual(await fs.readdir(installFolder), ['agent'], 'no staging folder or upload is left');
    assert.equal(progress.at(-1), 1);
  });

  it('runs a program of the staged files in the same command when asked (one session), and hands its result to beforeSwap', async () => {
    const cases = [
      { main: `process.stdout.write(process.argv.slice(2).join(' '));\n`, expect: { outcome: { kind: 'exited', code: 0 }, stdout: '--version', stderr: '' } },
      { main: `process.stderr.write('broken');\nprocess.exit(3);\n`, expect: { outcome: { kind: 'exited', code: 3 }, stdout: '', stderr: 'broken' } },
      { main: `setTimeout(() => undefined, 60000);\n`, expect: { outcome: { kind: 'timedOut', afterMs: 1000 }, stdout: '', stderr: '' } },
    ];
    for (const [i, { main, expect }] of cases.entries()) {
      const file = path.join(dir, `then-run-${i}.tar.gz`);
      await fs.writeFile(file, agentTarGz('1.0.0', [], main));
      const agentDir = path.join(dir, `then-run-${i}`, 'agent');
      const seen: unknown[] = [];
      await unpackAgent({
        target,
        packageFile: file,
        agentDir,
        onTarget: true,
        thenRun: { file: ['main.js'], args: ['--version'], timeoutMs: 1000 },
        beforeSwap: async (stagingDir, version, ran) => void seen.push({ inStaging: stagingDir.includes('.staging-'), version, ran }),
      });
      assert.deepEqual(seen, [{ inStaging: true, version: '1.0.0', ran: expect }], `case ${i}`);
    }
  });
});
