// The PowerShell script builder: literals, the encoded command line and its cap, stdin, and the
// result line read back from noisy output. Syntax is checked with tree-sitter-powershell (no
// PowerShell runs here).
import assert from 'node:assert/strict';
import { CMD_LINE_CAP, commandPlan, decodeCommand, encodedCommandLine } from '../../../src/core/target/powershell/commandLine';
import { ps, psLiteral, psName } from '../../../src/core/target/powershell/code';
import { RESULT_MARKER, parsePsResult } from '../../../src/core/target/powershell/result';
import { psScript, stdinFor } from '../../../src/core/target/powershell/script';
import { Secret } from '../../../src/core/secret';
import { parsePowerShell, verbatimValue } from '../../support/powershell';

describe('PowerShell script builder', () => {
  it('quotes a value as one literal, doubling every kind of single quote', () => {
    assert.equal(psLiteral("it's"), "'it''s'");
    assert.equal(psLiteral('a\u2019b\u2018c'), "'a\u2019\u2019b\u2018\u2018c'");
    assert.equal(verbatimValue(psLiteral("'\u201A\u201B'")), "'\u201A\u201B'");
    assert.throws(() => psLiteral('a\0b'), { code: 'EINVAL' });
  });

  it('turns interpolated strings into literals and only PsCode into code', () => {
    const evil = '$(Remove-Item C:\\ -Recurse)';
    assert.equal(ps`Write-Output ${evil}`.text, `Write-Output '${evil}'`);
    assert.equal(ps`$x = ${ps`$y`}; ${3}; ${true}`.text, '$x = $y; 3; $true');
    assert.throws(() => ps`${1.5}`, { code: 'EINVAL' });
    assert.throws(() => psName('a;b'), { code: 'EINVAL' });
    // What `\u{0:x4}` in a ps`…` template gives: no cooked text, refused rather than "undefined".
    assert.throws(() => ps(Object.assign([undefined], { raw: ['\\u{0:x4}'] }) as unknown as TemplateStringsArray), TypeError);
  });

  it('sends a script as -EncodedCommand (UTF-16LE base64) and says when it must travel as a file', () => {
    const script = ps`Write-Output ${'héllo ✓'}`;
    const line = encodedCommandLine(script);
    assert.match(line, /^powershell\.exe -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/]+=*$/);
    assert.equal(decodeCommand(line.split(' ').at(-1)!), script.text);
    const inline = commandPlan(script);
    assert.equal(inline.via, 'commandLine');
    // The longest script that fits, and one character more.
    const prefix = 'powershell.exe -NoProfile -NonInteractive -EncodedCommand '.length;
    const maxChars = Math.floor(((CMD_LINE_CAP - prefix) / 4) * 3 / 2);
    const fits = commandPlan(ps`#${'x'.repeat(maxChars - 3)}`);
    assert.equal(fits.via, 'commandLine');
    if (fits.via === 'commandLine') assert.ok(fits.commandLine.length <= CMD_LINE_CAP);
    const tooLong = commandPlan(ps`#${'x'.repeat(maxChars + 3)}`);
    assert.equal(tooLong.via, 'file');
    if (tooLong.via === 'file') assert.ok(tooLong.commandLineLength > CMD_LINE_CAP);
  });

  it('reads stdin values into variables and gives the stdin JSON with exactly those names, ASCII only', async () => {
    const script = psScript(ps`$data = 1`, { passphrase: 'secure', pin: 'text' });
    assert.deepEqual(script.stdin, ['passphrase', 'pin']);
    assert.match(script.code.text, /\[Console\]::In\.ReadToEnd\(\)/);
    assert.match(script.code.text, /\$in_passphrase = ConvertTo-SecureString -String \(\[string\]\$stdin\.passphrase\) -AsPlainText -Force/);
    assert.deepEqual((await parsePowerShell(script.code.text)).problems, []);
    const stdin = stdinFor(script, { passphrase: new Secret('pässwörd "x"'), pin: new Secret('123456') });
    assert.match(stdin, /^[\x20-\x7e]*\n$/);
    assert.deepEqual(JSON.parse(stdin), { passphrase: 'pässwörd "x"', pin: '123456' });
    assert.throws(() => stdinFor(script, { passphrase: new Secret('x') }), { code: 'EINVAL' });
    assert.throws(() => stdinFor(script, { passphrase: new Secret('x'), pin: new Secret('1'), extra: new Secret('y') }), { code: 'EINVAL' });
    assert.equal(psScript(ps`$data = 1`).code.text.includes('[Console]::In'), false);
  });

  it('parses the wrapper with tree-sitter, and a broken script is reported as broken (negative control)', async () => {
    assert.deepEqual((await parsePowerShell(psScript(ps`$data = @{ a = 1 }`).code.text)).problems, []);
    const broken = await parsePowerShell("try {\n$x = 'unterminated\n} catch {");
    assert.ok(broken.problems.length > 0);
    assert.ok((await parsePowerShell('if ($x) { Write-Output 1')).problems.some((p) => p.startsWith('MISSING') || p.startsWith('ERROR')));
    assert.throws(() => verbatimValue("'a\u2019b'"), /lone quote/);
  });
});

describe('PowerShell result line', () => {
  const line = (o: unknown) => RESULT_MARKER + JSON.stringify(o);

  it('reads a success among cmdlet output and CLIXML progress records', () => {
    // Start-OBRegistration's documented success output (ARM facts §4), then the result line.
    const stdout = [
      '#< CLIXML',
      '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T></TN></Obj></Objs>',
      'CertThumbprint      : 0123456789ABCDEF0123456789ABCDEF01234567',
      'SubscriptionID      : 00000000-0000-0000-0000-000000000000',
      'ServiceResourceName : lab1',
      'Region              : West Europe',
      '',
      'Machine registration succeeded.',
      line({ ok: true, data: { output: 'Machine registration succeeded.' } }),
      '',
    ].join('\r\n');
    assert.deepEqual(parsePsResult(stdout, 0), { ok: true, exitCode: 0, data: { output: 'Machine registration succeeded.' } });
  });

  it('is one ASCII line: the script escapes non-ASCII, which JSON reads back', () => {
    assert.match(psScript(ps`$data = 1`).code.text, /\[regex\]::Replace\(\$json, '\[\^\\x00-\\x7F\]'/);
    assert.deepEqual(parsePsResult(`${RESULT_MARKER}{"ok":true,"data":"Espa\\u00f1a \\ud83d\\ude00"}`, 0), { ok: true, exitCode: 0, data: 'España 😀' });
  });

  it('reads an error with its id, message, category and HRESULT; the last result line counts', () => {
    const error = {
      ok: false,
      errorId: 'CBPUserExpiredVaultCredential,Microsoft.Internal.CloudBackup.Commands.StartOBRegistration',
      message: 'Vault credentials file provided has expired. Please download a new one and use it within 2 days.',
      category: 'InvalidArgument',
      hresult: -2146233088,
      exception: 'System.Exception',
    };
    const stdout = `${line({ ok: true, data: 'from a cmdlet that printed the marker' })}\nWARNING: noise\n\uFEFF${line(error)}\n`;
    const result = parsePsResult(stdout, 1);
    assert.deepEqual(result, { ok: false, exitCode: 1, error: { id: error.errorId, message: error.message, category: 'InvalidArgument', hresult: -2146233088, exception: 'System.Exception' } });
  });

  it('gives undefined for output without a well-formed result line', () => {
    assert.equal(parsePsResult('', null), undefined);
    assert.equal(parsePsResult('#< CLIXML\n<Objs Version="1.1.0.1"><S S="Error">x</S></Objs>\n', 1), undefined);
    assert.equal(parsePsResult(`${RESULT_MARKER}{"ok":tru`, 1), undefined);
    assert.equal(parsePsResult(`${RESULT_MARKER}{"ok":"yes"}`, 0), undefined);
    assert.equal(parsePsResult(`${RESULT_MARKER}[1]`, 0), undefined);
  });
});
