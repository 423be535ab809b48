// Every MARS script the code can generate, for every branch: it parses (tree-sitter-powershell),
// every value is one literal with the value's exact text, no secret is in a script or command
// line, and every command line is within cmd.exe's cap. Nothing here runs PowerShell.
import assert from 'node:assert/strict';
import { installScript } from '../../../src/core/agents/mars/scripts/install';
import { parseWindowsFacts } from '../../../src/core/agents/mars/scripts/facts';
import { CMD_LINE_CAP, commandPlan, decodeCommand } from '../../../src/core/target/powershell/commandLine';
import { stdinFor, type PsScript } from '../../../src/core/target/powershell/script';
import { Secret } from '../../../src/core/secret';
import { BENIGN, allMarsScripts, type ScriptValues } from '../../support/marsScripts';
import { parsePowerShell } from '../../support/powershell';
import { findSecrets } from '../../support/secretSearch';
import { HOSTILE_VALUES } from '../../support/hostileValues';


// What Windows refuses in a path, so the path checks refuse before any script is made; a file name refuses separators too.
const notInPath = (value: string) => /["\p{Cc}]/u.test(value);
const notInName = (value: string) => /[\\/:*?"<>|\p{Cc}]/u.test(value);

const PATH_FIELDS = ['installer', 'installFolder', 'cacheFolder', 'newCacheFolder'] as const;
const TEXT_FIELDS = ['proxyServer', 'proxyUsername'] as const;

/** The field's value carrying `hostile`, and whether the scripts must refuse it. */
function hostileValue(field: keyof ScriptValues, hostile: string): { value: string; refused: boolean } {
  if ((PATH_FIELDS as readonly string[]).includes(field)) return { value: `C:\\${hostile}`, refused: notInPath(hostile) };
  if (field === 'credentialsFileName') return { value: `${hostile}.VaultCredentials`, refused: notInName(hostile) };
  if (field === 'installerUrl') return { value: `https://download.example.test/${hostile}`, refused: false };
  return { value: hostile, refused: false };
}

function valuesWith(field: keyof ScriptValues, value: string): ScriptValues {
  return { ...BENIGN, [field]: value };
}

/** The script's text, its command line (or none when it travels as a file), and what the command line decodes to. */
function sent(script: PsScript): Record<string, string> {
  const plan = commandPlan(script.code);
  const texts: Record<string, string> = { script: script.code.text };
  if (plan.via === 'commandLine') {
    texts.commandLine = plan.commandLine;
    texts.decoded = decodeCommand(plan.commandLine.split(' ').at(-1)!);
  }
  return texts;
}

describe('MARS scripts', () => {
  it('all parse with tree-sitter-powershell, for every branch', async () => {
    const scripts = allMarsScripts();
    assert.equal(scripts.length, 18);
    for (const { name, script } of scripts) {
      const parsed = await parsePowerShell(script.code.text);
      assert.deepEqual(parsed.problems, [], name);
      assert.ok(parsed.literals.length > 0, name);
      assert.doesNotMatch(script.code.text, /undefined|\[object /, name);
    }
  });

  it('put every hostile value in as exactly one literal with its exact text, in every script that takes it', async function () {
    this.timeout(120_000);
    const benign = allMarsScripts();
    const benignLiterals = await Promise.all(benign.map(async ({ script }) => (await parsePowerShell(script.code.text)).literals));
    for (const field of [...PATH_FIELDS, ...TEXT_FIELDS, 'credentialsFileName', 'installerUrl'] as const) {
      for (const hostile of HOSTILE_VALUES) {
        const { value, refused } = hostileValue(field, hostile);
        if (refused) {
          assert.throws(() => allMarsScripts(valuesWith(field, value)), { code: 'EINVAL' }, `${field} ${JSON.stringify(hostile)}`);
          continue;
        }
        const scripts = allMarsScripts(valuesWith(field, value));
        let takers = 0;
        for (const [i, { name, script }] of scripts.entries()) {
          // A script the value did not change is the ordinary one, parsed once above.
          if (script.code.text === benign[i]!.script.code.text) continue;
          takers++;
          const parsed = await parsePowerShell(script.code.text);
          const label = `${name}: ${field} = ${JSON.stringify(value.slice(0, 40))}`;
          assert.deepEqual(parsed.problems, [], label);
          // Counted beside the ordinary script, whose own code may hold the same text as a literal ('"').
          const count = parsed.literals.filter((l) => l === value).length - benignLiterals[i]!.filter((l) => l === value).length;
          assert.equal(count, 1, label);
        }
        assert.ok(takers > 0, `no script takes ${field}`);
      }
    }
  });

  it('refuses a relative path, a UNC path and NUL before making a script', () => {
    assert.throws(() => allMarsScripts(valuesWith('credentialsFileName', 'lab1.xml')), { code: 'EINVAL' });
    assert.throws(() => allMarsScripts(valuesWith('credentialsFileName', '..\\lab1.VaultCredentials')), { code: 'EINVAL' });
    assert.throws(() => allMarsScripts(valuesWith('installerUrl', 'http://download.example.test/MARSAgentInstaller.exe')), { code: 'EINVAL' });
    assert.throws(() => allMarsScripts(valuesWith('installFolder', '\\\\server\\share\\MARS')), { code: 'EINVAL' });
    assert.throws(() => allMarsScripts(valuesWith('proxyServer', 'a\0b')), { code: 'EINVAL' });
  });

  it('keeps every secret out of scripts and command lines: they travel on stdin only', () => {
    const markers = { passphrase: 'MARKER-passphrase-7f3a9c', securityPin: 'MARKER-pin-41c2e8', proxyPassword: 'MARKER-proxy-b91d07', content: 'MARKER-file-5ae2f4', credentials: 'MARKER-credentials-c0ffee' };
    let carried = 0;
    for (const { name, script } of allMarsScripts()) {
      assert.deepEqual(findSecrets(sent(script), Object.values(markers)), [], name);
      const secrets = Object.fromEntries(script.stdin.map((n) => [n, new Secret(markers[n as keyof typeof markers])]));
      const stdin = stdinFor(script, secrets);
      for (const n of script.stdin) assert.ok(stdin.includes(markers[n as keyof typeof markers]), `${name}: ${n} is on stdin`);
      carried += script.stdin.length;
    }
    // passphrase + PIN, passphrase, the proxy password (agent and download), the credentials file.
    // (Private files are the Windows target's: test/unit/target/windowsShell.test.ts.)
    assert.equal(carried, 6);
  });

  it('the secret check finds a planted marker in a script, its command line and its base64 at every offset (negative control)', () => {
    const marker = 'MARKER-planted-3e7d';
    const planted = allMarsScripts(valuesWith('proxyServer', marker)).find((s) => s.name === 'proxy')!.script;
    const found = findSecrets(sent(planted), [marker]);
    assert.ok(found.some((f) => f.includes('in script (UTF-8)')));
    assert.ok(found.some((f) => f.includes('in decoded (UTF-8)')));
    assert.ok(found.some((f) => f.includes('in commandLine (base64')));
    for (let offset = 0; offset < 3; offset++) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        const text = Buffer.concat([Buffer.from('xyz'.slice(0, offset)), Buffer.from(marker, encoding), Buffer.from('tail')]).toString('base64');
        assert.ok(findSecrets({ text }, [marker]).length > 0, `${encoding} at offset ${offset}`);
      }
    }
  });

  it('keeps every command line within 8,191 characters, or sends the script as a file', () => {
    const lengths: number[] = [];
    for (const values of [BENIGN, ...HOSTILE_VALUES.filter((h) => !notInPath(h)).map((h) => valuesWith('installFolder', `C:\\${h}`))]) {
      for (const { name, script } of allMarsScripts(values)) {
        const plan = commandPlan(script.code);
        if (plan.via === 'commandLine') {
          assert.ok(plan.commandLine.length <= CMD_LINE_CAP, name);
          if (values === BENIGN) lengths.push(plan.commandLine.length);
        } else {
          assert.ok(plan.commandLineLength > CMD_LINE_CAP, name);
          assert.notEqual(values, BENIGN, `${name} does not fit on a command line with ordinary values`);
        }
      }
    }
    assert.equal(lengths.length, 18);
  });

  it('runs the installer with /q /nu /p: /s: (and /m when asked), never /pw', () => {
    for (const microsoftUpdate of [false, true]) {
      const text = installScript({ ...BENIGN, microsoftUpdate }).code.text;
      assert.match(text, /'\/q \/nu \/p:"' \+ 'C:\\Program Files\\Microsoft Azure Recovery Services Agent' \+ '" \/s:"' \+ 'D:\\MARS\\Scratch' \+ '"'/);
      assert.equal(text.includes("' /m'"), microsoftUpdate);
      assert.doesNotMatch(text, /\/p[whou]\b/i);
    }
    for (const { script } of allMarsScripts()) assert.doesNotMatch(script.code.text, /\/pw/i);
  });
});

describe('Windows facts', () => {
  it('reads free space, drive kind, elevation, OS and .NET release from the result data', () => {
    const data = {
      hostname: 'WS2019',
      osCaption: 'Microsoft Windows Server 2019 Datacenter',
      osVersion: '10.0.17763',
      elevated: true,
      dotNetRelease: 528049,
      drive: { deviceId: 'D:', driveType: 3, freeBytes: 53687091200, totalBytes: 107374182400 },
    };
    assert.deepEqual(parseWindowsFacts(data), { ...data, drive: { deviceId: 'D:', kind: 'local', freeBytes: 53687091200, totalBytes: 107374182400 } });
    assert.equal(parseWindowsFacts({ ...data, drive: { ...data.drive, driveType: 4 } })?.drive?.kind, 'network');
    assert.equal(parseWindowsFacts({ ...data, drive: { ...data.drive, driveType: 2 } })?.drive?.kind, 'removable');
    assert.equal(parseWindowsFacts({ ...data, drive: { ...data.drive, driveType: 5 } })?.drive?.kind, 'other');
    const bare = parseWindowsFacts({ ...data, dotNetRelease: null, drive: null });
    assert.equal(bare?.dotNetRelease, undefined);
    assert.equal(bare?.drive, undefined);
    assert.equal(parseWindowsFacts({ osVersion: 10 }), undefined);
    assert.equal(parseWindowsFacts('x'), undefined);
  });
});
