// The Windows remote shell, checked by every means available without Windows: its scripts parse
// (tree-sitter-powershell) for every branch, hostile values enter each as one literal, no secret
// is in any command line or script file, every command line is within cmd.exe's cap, and the
// shell's answers are read right. The machine it talks to is SIMULATED (canned answers written
// from the documentation, test/support/simulatedWindows.ts): no result here is a Windows run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nextActionOf } from '../../../src/core/errorCatalogue';
import { isSetupError } from '../../../src/core/errors';
import { NEXT_ACTION_INSTRUCTIONS } from '../../../src/core/nextActionInstructions';
import { CMD_LINE_CAP, fileArgs, powershellLine } from '../../../src/core/target/powershell/commandLine';
import { silentLogger } from '../../../src/core/log';
import { LocalTarget } from '../../../src/core/target/local';
import { LocalPowerShellHost } from '../../../src/core/target/windows/localHost';
import { TargetCode } from '../../../src/core/target/codes';
import { windowsArgument, windowsCommandLine } from '../../../src/core/target/windows/arguments';
import { WindowsLocalTarget, thisMachineTarget } from '../../../src/core/target/windows/localWindows';
import { fromSftpPath, toSftpPath } from '../../../src/core/target/windows/paths';
import { errnoOfPsError, fileSystemOfDrive, parseWindowsFacts, plainStderr } from '../../../src/core/target/windows/results';
import { WindowsShell } from '../../../src/core/target/windows/windowsShell';
import { parsePowerShell } from '../../support/powershell';
import { findSecrets } from '../../support/secretSearch';
import { SIMULATED_FACTS } from '../../support/simulatedWindows';
import { SimulatedHost } from '../../support/windowsHost';
import { BENIGN_SHELL, allShellScripts, splitWindowsCommandLine, type ShellValues } from '../../support/windowsScripts';
import { HOSTILE_VALUES } from '../../support/hostileValues';


/** What each field becomes in a script: itself, except an argument, which joins the command line the program gets (allShellScripts' branches). */
const literalOf = (field: keyof ShellValues, value: string, script: string) =>
  field !== 'arg' ? value : windowsCommandLine(script === 'run with env and cwd' ? [value, 'register'] : [value]);

describe('Windows remote shell: scripts (no PowerShell runs here)', () => {
  it('every script parses with tree-sitter-powershell, for every branch', async () => {
    const scripts = allShellScripts();
    assert.equal(scripts.length, 11);
    for (const { name, code } of scripts) {
      const parsed = await parsePowerShell(code.text);
      assert.deepEqual(parsed.problems, [], name);
      assert.doesNotMatch(code.text, /undefined|\[object /, name);
    }
  });

  it('puts every hostile value in as exactly one literal with its exact text, in every script that takes it', async function () {
    this.timeout(120_000);
    const benign = allShellScripts();
    const benignLiterals = await Promise.all(benign.map(async ({ code }) => (await parsePowerShell(code.text)).literals));
    for (const field of Object.keys(BENIGN_SHELL) as Array<keyof ShellValues>) {
      for (const hostile of HOSTILE_VALUES) {
        const scripts = allShellScripts({ ...BENIGN_SHELL, [field]: hostile });
        let takers = 0;
        for (const [i, { name, code }] of scripts.entries()) {
          if (code.text === benign[i]!.code.text) continue;
          const expected = literalOf(field, hostile, name);
          takers++;
          const label = `${name}: ${field} = ${JSON.stringify(hostile.slice(0, 40))}`;
          const parsed = await parsePowerShell(code.text);
          assert.deepEqual(parsed.problems, [], label);
          const count = parsed.literals.filter((l) => l === expected).length - benignLiterals[i]!.filter((l) => l === expected).length;
          assert.equal(count, 1, label);
        }
        // The empty value is the benign one in no field, so each field has a taker for every value.
        assert.ok(takers > 0, `no script takes ${field} = ${JSON.stringify(hostile.slice(0, 20))}`);
      }
    }
  });

  it('refuses NUL in any value before making a script', () => {
    for (const field of Object.keys(BENIGN_SHELL) as Array<keyof ShellValues>) {
      assert.throws(() => allShellScripts({ ...BENIGN_SHELL, [field]: 'a\0b' }), { code: 'EINVAL' }, field);
    }
  });

  it("joins a program's arguments so the C runtime reads back each one exactly", () => {
    assert.equal(windowsArgument('plain'), 'plain');
    assert.equal(windowsArgument(''), '""');
    assert.equal(windowsArgument('a b'), '"a b"');
    assert.equal(windowsArgument('say "hi"'), '"say \\"hi\\""');
    assert.equal(windowsArgument('C:\\dir\\'), 'C:\\dir\\');
    assert.equal(windowsArgument('C:\\my dir\\'), '"C:\\my dir\\\\"');
    const args = [...HOSTILE_VALUES.filter((h) => !h.includes('\0')), 'register', '--json'];
    assert.deepEqual(splitWindowsCommandLine(windowsCommandLine(args)), args);
  });
});

describe('Windows remote shell: paths', () => {
  it("maps a Windows path to Windows OpenSSH's SFTP name and back", () => {
    assert.equal(toSftpPath('C:\\Users\\admin\\x.txt'), '/C:/Users/admin/x.txt');
    assert.equal(toSftpPath('d:\\MARS\\Scratch'), '/D:/MARS/Scratch');
    assert.equal(toSftpPath('C:\\'), '/C:/');
    assert.equal(toSftpPath('C:/a/../b'), '/C:/b');
    assert.equal(fromSftpPath('/C:/Users/admin'), 'C:\\Users\\admin');
    assert.equal(fromSftpPath('/C:'), 'C:\\');
    for (const bad of ['relative\\x', '\\\\server\\share\\x', 'C:x', '/home/x', 'C:\\a"b', 'C:\\a\0b']) assert.throws(() => toSftpPath(bad), { code: 'EINVAL' }, bad);
    assert.throws(() => fromSftpPath('/home/x'), { code: 'EINVAL' });
  });
});

describe('Windows remote shell: answers read back', () => {
  it('reads the facts: platform, arch, OS, elevation, .NET release', () => {
    const facts = parseWindowsFacts({ ...SIMULATED_FACTS, elevated: true });
    assert.deepEqual(facts?.host, {
      hostname: 'WS2022-SIM',
      platform: 'win32',
      arch: 'x64',
      osName: 'Microsoft Windows Server 2022 Datacenter',
      osVersion: '10.0.20348',
      homeDir: 'C:\\Users\\admin',
      elevated: true,
      dotNetRelease: 528449,
    });
    assert.equal(facts?.temp, 'C:\\Users\\admin\\AppData\\Local\\Temp\\');
    assert.equal(parseWindowsFacts({ ...SIMULATED_FACTS, elevated: false, dotNetRelease: null, arch: 'ARM64', recordDir: 'C:\\rec' })?.host.arch, 'arm64');
    assert.equal(parseWindowsFacts({ ...SIMULATED_FACTS, dotNetRelease: null })?.host.dotNetRelease, undefined);
    assert.equal(parseWindowsFacts({ osVersion: '10', elevated: true }), undefined, 'not the Windows facts');
    assert.equal(parseWindowsFacts(null), undefined);
  });

  it("gives a drive's kind: local, network or removable", () => {
    assert.deepEqual(fileSystemOfDrive(3, 'NTFS'), { name: 'NTFS', kind: 'local' });
    assert.deepEqual(fileSystemOfDrive(4, ''), { name: 'network drive', kind: 'network' });
    assert.deepEqual(fileSystemOfDrive(2, 'FAT32'), { name: 'FAT32', kind: 'removable' });
    assert.deepEqual(fileSystemOfDrive(5, 'CDFS'), { name: 'CDFS', kind: 'removable' });
    assert.equal(fileSystemOfDrive(0, '').kind, 'unknown');
  });

  it("turns a script's error into the errno core reads, by HRESULT, then by exception type", () => {
    const e = (hresult: number | undefined, exception: string, id = 'x') => errnoOfPsError({ id, message: '', category: '', hresult, exception });
    assert.equal(e(0x80070005 | 0, 'System.UnauthorizedAccessException'), 'EACCES');
    assert.equal(e(0x800700b7 | 0, 'System.IO.IOException'), 'EEXIST');
    assert.equal(e(0x80070070 | 0, 'System.IO.IOException'), 'ENOSPC');
    assert.equal(e(undefined, 'System.IO.DirectoryNotFoundException'), 'ENOENT');
    assert.equal(e(0x80131500 | 0, 'System.Management.Automation.ItemNotFoundException'), 'ENOENT');
    assert.equal(e(0x80131500 | 0, 'System.Exception'), 'EIO');
  });

  it("gives stderr's CLIXML error records as text and drops progress records", () => {
    const clixml =
      '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T></TN></Obj><S S="Error">Access to the path _x0027_C:\\x_x0027_ is denied &amp; more_x000D__x000A_</S></Objs>';
    assert.equal(plainStderr(clixml), "Access to the path 'C:\\x' is denied & more");
    assert.equal(plainStderr('plain text\n'), 'plain text\n');
  });
});

describe('Windows remote shell over a SIMULATED machine (canned answers, not a Windows run)', () => {
  it('runs a program: exit code, output, "not found", and stdin reaching it', async () => {
    const host = new SimulatedHost();
    const shell = new WindowsShell(host);
    const ran = await shell.run('agent.exe', ['register', '--json'], { stdin: '{"x":1}\n' });
    assert.deepEqual(ran.outcome, { kind: 'exited', code: 0 });
    assert.match(ran.stdout, /^simulated agent\.exe register --json\r\nstdin: 8 characters/);
    assert.deepEqual((await shell.run('fails', [])).outcome, { kind: 'exited', code: 3 });
    const missing = await shell.run('missing-program', ['x']);
    assert.deepEqual(missing.outcome, { kind: 'notFound' });
    assert.doesNotMatch(missing.stderr, /@@/);
  });

  it('reads facts, free space and drive kinds; makes private files with their ACL; renames, links and removes', async () => {
    const host = new SimulatedHost();
    const shell = new WindowsShell(host);
    assert.equal((await shell.facts()).platform, 'win32');
    assert.deepEqual(await shell.freeSpace('C:\\ProgramData'), { availableBytes: 53_687_091_200, totalBytes: 136_365_211_648, fileSystem: { name: 'NTFS', kind: 'local' } });
    assert.equal((await shell.fileSystem('E:\\share')).kind, 'network');
    assert.equal((await shell.fileSystem('F:\\stick')).kind, 'removable');
    assert.equal((await shell.fileSystem('\\\\server\\share\\x')).kind, 'network');
    await assert.rejects(shell.space('\\\\server\\share\\x'), { code: 'ENOTSUP' });
    await assert.rejects(shell.space('Q:\\x'), { code: 'ENOENT' });
    const file = 'C:\\ProgramData\\BackupAgentSetup\\proxy.secret';
    await shell.writePrivate(file, Buffer.from('first'), true);
    assert.ok(host.simulation.privatePaths.has('/C:/ProgramData/BackupAgentSetup/proxy.secret'));
    await assert.rejects(shell.writePrivate(file, Buffer.from('second'), true), { code: 'EEXIST' });
    await shell.writePrivate(file, Buffer.from('second'), false);
    assert.equal(host.simulation.files.get('/C:/ProgramData/BackupAgentSetup/proxy.secret')?.toString(), 'second');
    await shell.rename(file, `${file}.old`);
    await assert.rejects(shell.rename(file, `${file}.new`), { code: 'ENOENT' });
    await shell.link(`${file}.old`, file);
    await assert.rejects(shell.link(`${file}.old`, file), { code: 'EEXIST' });
    await shell.mkdirPrivate('C:\\ProgramData\\BackupAgentSetup\\keys');
    assert.ok(host.simulation.privatePaths.has('/C:/ProgramData/BackupAgentSetup/keys'));
    await shell.removeTree('C:\\ProgramData\\BackupAgentSetup');
    assert.equal([...host.simulation.files.keys()].some((k) => k.startsWith('/C:/ProgramData/')), false);
  });

  it('keeps every command line it can produce within 8,191 characters; a longer script travels as a file and is removed', async () => {
    const host = new SimulatedHost();
    const shell = new WindowsShell(host);
    await shell.facts();
    for (const hostile of HOSTILE_VALUES) {
      const file = `C:\\data\\${hostile.includes('\0') ? 'x' : hostile}`;
      await shell.run(hostile || 'x', [hostile, hostile], { env: { NAME: hostile }, cwd: file });
      await shell.writePrivate(file, Buffer.from(hostile), false).catch(() => undefined);
      await shell.mkdirPrivate(file).catch(() => undefined);
      await shell.rename(file, `${file}.2`).catch(() => undefined);
      await shell.link(file, `${file}.3`).catch(() => undefined);
      await shell.removeTree(file).catch(() => undefined);
      await shell.freeSpace(file).catch(() => undefined);
    }
    const lines = host.simulation.commandLines;
    assert.ok(lines.length > HOSTILE_VALUES.length * 7);
    for (const line of lines) assert.ok(line.length <= CMD_LINE_CAP, `${line.length}: ${line.slice(0, 80)}`);
    const viaFile = lines.filter((l) => l.includes(' -File '));
    assert.ok(viaFile.length > 0, 'the 10,000-character values went as script files');
    for (const line of viaFile) assert.match(line, /^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File C:\\Users\\admin\\AppData\\Local\\Temp\\backup-agent-setup-[0-9a-f]{12}\.ps1$/);
    assert.equal([...host.simulation.files.keys()].filter((k) => k.endsWith('.ps1')).length, 0, 'every script file was removed');
    // A temporary folder a command line cannot carry is refused, not sent.
    for (const bad of ['C:\\Users\\a%b\\x.ps1', 'C:\\Users\\a"b\\x.ps1', 'C:\\Users\\a$b\\x.ps1', 'C:\\Users\\a`b\\x.ps1', 'C:\\Users\\a!b\\x.ps1']) assert.throws(() => fileArgs(bad), { code: 'EINVAL' });
    assert.equal(powershellLine(fileArgs('C:\\Users\\John Smith\\x.ps1')), 'powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "C:\\Users\\John Smith\\x.ps1"');
  });

  it('sends secrets on stdin only: none in any command line, decoded -EncodedCommand or script file (with a negative control)', async () => {
    const markers = ['MARKER-content-7f3a9c', 'MARKER-stdin-41c2e8', 'MARKER-långt-b91d07'];
    const host = new SimulatedHost();
    const shell = new WindowsShell(host);
    await shell.writePrivate('C:\\ProgramData\\BackupAgentSetup\\a.secret', Buffer.from(`${markers[0]} ${markers[2]}`), false);
    await shell.run('agent.exe', ['register', '--stdin'], { stdin: `{"passphrase":"${markers[1]}"}` });
    // A long script (through a file) with the secret on stdin.
    await shell.run('agent.exe', ['x'.repeat(6000)], { stdin: markers[1] });
    const sent = () => ({
      ...Object.fromEntries(host.simulation.commandLines.map((l, i) => [`command line ${i}`, l])),
      ...Object.fromEntries([...host.scriptFiles].map(([f, t]) => [`script file ${f}`, t])),
    });
    assert.deepEqual(findSecrets(sent(), markers), []);
    assert.ok(host.scriptFiles.size > 0, 'a script went as a file');
    const stdin = host.simulation.stdins.join('\n');
    assert.ok(stdin.includes(Buffer.from(`${markers[0]} ${markers[2]}`).toString('base64')), 'the content arrived on stdin');
    assert.ok(stdin.includes(markers[1]!));
    // Negative control: a marker planted where a value enters the script is found, in each form.
    const planted = 'MARKER-planted-3e7d';
    await shell.rename(`C:\\${planted}`, 'C:\\y').catch(() => undefined);
    await shell.run('agent.exe', [planted, 'y'.repeat(6000)]);
    const found = findSecrets(sent(), [planted]);
    assert.ok(found.some((f) => /command line \d+ \(decoded 1\) \(UTF-8\)/.test(f)), found.join('\n'));
    assert.ok(found.some((f) => /command line \d+ \(base64/.test(f)), found.join('\n'));
    assert.ok(found.some((f) => /script file .* \(UTF-8\)/.test(f)), found.join('\n'));
    for (let offset = 0; offset < 3; offset++) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        const text = Buffer.concat([Buffer.from('xyz'.slice(0, offset)), Buffer.from(planted, encoding), Buffer.from('tail')]).toString('base64');
        assert.ok(findSecrets({ text }, [planted]).length > 0, `${encoding} at offset ${offset}`);
      }
    }
  });
});

describe('Windows as this machine (unverified: no Windows here)', () => {
  it('is chosen when this process runs on Windows, and the POSIX LocalTarget elsewhere', () => {
    const windows = thisMachineTarget({ platform: 'win32', shell: new WindowsShell(new SimulatedHost()) });
    assert.ok(windows instanceof WindowsLocalTarget);
    assert.equal(windows.pathStyle, 'win32');
    const posix = thisMachineTarget({ platform: 'linux' });
    assert.ok(posix instanceof LocalTarget && !(posix instanceof WindowsLocalTarget));
  });

  it('reads a missing powershell.exe (as on this Linux machine) as "not found", and facts as a failure that says why', async function () {
    if (spawnSync('powershell.exe', ['-?']).error === undefined) this.skip();
    const shell = new WindowsShell(new LocalPowerShellHost(silentLogger));
    assert.deepEqual((await shell.run('agent.exe', [])).outcome, { kind: 'notFound' });
    await assert.rejects(shell.facts(), (err: NodeJS.ErrnoException) => err.code === 'EIO' && /ENOENT/.test(String((err.cause as Error)?.message)));
  });

  it('refuses every change while VS Code is not elevated, with "Run VS Code as administrator" in English and Spanish', async () => {
    const host = new SimulatedHost({ elevated: false });
    const target = new WindowsLocalTarget('this server', new WindowsShell(host));
    assert.equal((await target.facts()).elevated, false);
    for (const change of [
      () => target.writeFileAtomic('C:\\x\\a.txt', 'a', { private: true }),
      () => target.mkdir('C:\\x'),
      () => target.rename('C:\\x', 'C:\\y'),
      () => target.remove('C:\\x'),
      () => target.run('agent.exe', []),
    ]) {
      const err = await change().then(
        () => assert.fail('expected WindowsNotElevated'),
        (e: unknown) => e,
      );
      assert.ok(isSetupError(err, TargetCode.WindowsNotElevated), String(err));
      assert.match((err as Error).message, /Run VS Code as administrator/);
    }
    assert.equal(nextActionOf(TargetCode.WindowsNotElevated), 'runAsAdministrator');
    assert.match(NEXT_ACTION_INSTRUCTIONS.runAsAdministrator, /Run as administrator/);
    const root = path.resolve(__dirname, '../../..');
    const errorsEs = JSON.parse(readFileSync(path.join(root, 'l10n/errors.es.json'), 'utf8')) as Record<string, string>;
    assert.match(errorsEs.WindowsNotElevated ?? '', /Ejecute VS Code como administrador/);
    const bundleEs = JSON.parse(readFileSync(path.join(root, 'l10n/bundle.l10n.es.json'), 'utf8')) as Record<string, string>;
    assert.match(bundleEs[NEXT_ACTION_INSTRUCTIONS.runAsAdministrator] ?? '', /Ejecutar como administrador/);
  });
});
