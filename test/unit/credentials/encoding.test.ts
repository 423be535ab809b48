// A real credentials file from the local vault, re-saved in each encoding the agent's .NET
// XmlReader detects (XML 1.0 Appendix F), read from disk as the setup reads it; every encoding
// .NET refuses is refused with its own code. The certificate read from a UTF-16 file then
// registers a machine with the vault that issued it.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isSetupError, type SetupError } from '../../../src/core/errors';
import { inspectCredentialsFile } from '../../../src/core/credentials/inspect';
import type { VaultCredentials } from '../../../src/core/credentials/model';
import { certOf } from '../../support/credentials-corpus';
import { createVaultWithCredentials, registerMachine, startTestVault, tempDir, vaultClient, type TestVault, type TestVaultCredentials } from '../../support/vault';

const BOM_UTF8 = [0xef, 0xbb, 0xbf];

function utf16(text: string, order: 'le' | 'be', bom: boolean): Buffer {
  const le = Buffer.from(`${bom ? '\ufeff' : ''}${text}`, 'utf16le');
  return order === 'le' ? le : le.swap16();
}

/** UCS-4 in a byte order given as the byte index of each byte, most significant first (as Appendix F names them). */
const UCS4 = { '1234': [0, 1, 2, 3], '4321': [3, 2, 1, 0], '2143': [1, 0, 3, 2], '3412': [2, 3, 0, 1] } as const;
function ucs4(text: string, order: keyof typeof UCS4, bom: boolean): Buffer {
  const codePoints = [...`${bom ? '\ufeff' : ''}${text}`].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(codePoints.length * 4);
  codePoints.forEach((value, i) => UCS4[order].forEach((index, significance) => (out[i * 4 + index] = (value >>> (8 * (3 - significance))) & 0xff)));
  return out;
}

describe('vault credentials: encodings, as the agent reads them', function () {
  this.timeout(60_000);
  let vault: TestVault;
  let issued: TestVaultCredentials;
  let dir: string;
  let xml: string;
  let genuine: VaultCredentials;
  let written = 0;

  /** The declaration's encoding changed to `name`, or dropped with `undefined`. */
  const declaring = (name: string | undefined) => xml.replace(' encoding="utf-8"', name === undefined ? '' : ` encoding="${name}"`);

  /** Writes `bytes` as a credentials file and reads it back as the setup does. */
  async function inspect(bytes: Uint8Array): Promise<VaultCredentials> {
    const file = path.join(dir, `${++written}_${issued.file.fileName}`);
    await fs.writeFile(file, bytes, { mode: 0o600 });
    return inspectCredentialsFile(file, { now: vault.clock.now() });
  }

  async function refusal(bytes: Uint8Array, code: string): Promise<SetupError> {
    const err = await inspect(bytes).then(
      () => assert.fail(`expected ${code}`),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err), String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.params.agentCode, '34513', code);
    // The file holds a private key: no slice of it may reach a message.
    const cert = certOf(xml);
    for (let at = 0; at + 40 <= cert.length; at += 400) assert.ok(!JSON.stringify(err).includes(cert.slice(at, at + 40)), 'the message repeats the certificate');
    return err;
  }

  /** The same vault, endpoint and certificate as the file the vault issued. */
  function assertSameAsIssued(read: VaultCredentials, label: string): void {
    const facts = (c: VaultCredentials) => [c.vaultName, c.subscriptionId, c.resourceGroup, c.resourceId, c.endpoint, c.agentLinks, c.fingerprint256, c.expiresAt.getTime()];
    assert.deepEqual(facts(read), facts(genuine), label);
  }

  before(async () => {
    vault = await startTestVault();
    issued = await createVaultWithCredentials(vault, 'unicode-lab');
    xml = issued.file.xml;
    assert.match(xml, /^<\?xml version="1\.0" encoding="utf-8"\?>\r\n/, 'the vault writes what the real one does');
    dir = await tempDir('credentials-encoding-');
    genuine = await inspect(Buffer.from(xml));
  });
  after(async () => {
    await vault?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads UTF-16LE and UTF-16BE with a byte-order mark and encoding="utf-16", as .NET writes UTF-16', async () => {
    for (const order of ['le', 'be'] as const) assertSameAsIssued(await inspect(utf16(declaring('utf-16'), order, true)), order);
    // Names .NET reads the same way: ucs-2 for either order, the ones that name the order for theirs.
    assertSameAsIssued(await inspect(utf16(declaring('UCS-2'), 'be', true)), 'ucs-2');
    assertSameAsIssued(await inspect(utf16(declaring('unicodeFFFE'), 'be', true)), 'unicodeFFFE');
    assertSameAsIssued(await inspect(utf16(declaring('utf-16le'), 'le', true)), 'utf-16le');
  });

  it('reads UTF-16 without a byte-order mark from the bytes of "<?" (Appendix F)', async () => {
    for (const order of ['le', 'be'] as const) assertSameAsIssued(await inspect(utf16(declaring('utf-16'), order, false)), order);
  });

  it('reads UTF-16 with a byte-order mark whose declaration names no encoding, or that has no declaration', async () => {
    assertSameAsIssued(await inspect(utf16(declaring(undefined), 'le', true)), 'no encoding');
    assertSameAsIssued(await inspect(utf16(xml.replace(/^<\?xml[^>]*>\r\n/, ''), 'be', true)), 'no declaration');
  });

  it('reads UTF-8 with a byte-order mark, and UCS-4 in the four byte orders .NET detects', async () => {
    assertSameAsIssued(await inspect(Buffer.concat([Buffer.from(BOM_UTF8), Buffer.from(xml)])), 'UTF-8 BOM');
    assertSameAsIssued(await inspect(ucs4(declaring('ucs-4'), '1234', true)), 'UCS-4BE with a mark');
    assertSameAsIssued(await inspect(ucs4(declaring('utf-32'), '4321', true)), 'UCS-4LE with a mark, declared utf-32');
    for (const order of Object.keys(UCS4) as Array<keyof typeof UCS4>) assertSameAsIssued(await inspect(ucs4(declaring('ucs-4'), order, false)), order);
  });

  it('reads a file that declares a legacy code page while every byte is ASCII, which all of them read alike', async () => {
    for (const name of ['windows-1252', 'ISO-8859-1', 'us-ascii']) assertSameAsIssued(await inspect(Buffer.from(declaring(name))), name);
  });

  it("refuses Notepad's \"Unicode\" (UTF-16 with a byte-order mark, the declaration still saying utf-8), naming both", async () => {
    for (const [order, detected] of [['le', 'UTF-16LE'], ['be', 'UTF-16BE']] as const) {
      const err = await refusal(utf16(xml, order, true), 'VaultCredentialEncodingMismatch');
      assert.deepEqual({ ...err.params, agentCode: undefined }, { agentCode: undefined, detected, byteOrderMark: true, declared: 'utf-8' });
      assert.match(err.message, new RegExp(`${detected} with a byte-order mark, but its XML declaration says encoding "utf-8"`));
      assert.match(err.message, /Save it again as UTF-8/);
    }
  });

  it('refuses every other declaration that contradicts the bytes', async () => {
    const cases: Array<[string, Uint8Array, { detected: string; byteOrderMark: boolean; declared: string }]> = [
      ['UTF-16 found from "<?", utf-8 declared', utf16(xml, 'le', false), { detected: 'UTF-16LE', byteOrderMark: false, declared: 'utf-8' }],
      // .NET: "There is no Unicode byte order mark. Cannot switch to Unicode."
      ['UTF-8, utf-16 declared', Buffer.from(declaring('utf-16')), { detected: 'UTF-8', byteOrderMark: false, declared: 'utf-16' }],
      ['UTF-8 mark, utf-16 declared', Buffer.concat([Buffer.from(BOM_UTF8), Buffer.from(declaring('utf-16'))]), { detected: 'UTF-8', byteOrderMark: true, declared: 'utf-16' }],
      ['UTF-16LE mark, utf-16be declared', utf16(declaring('utf-16be'), 'le', true), { detected: 'UTF-16LE', byteOrderMark: true, declared: 'utf-16be' }],
      ['UTF-16 mark, a code page declared', utf16(declaring('windows-1252'), 'le', true), { detected: 'UTF-16LE', byteOrderMark: true, declared: 'windows-1252' }],
      ['UCS-4BE, utf-32 (little-endian) declared', ucs4(declaring('utf-32'), '1234', true), { detected: 'UCS-4BE', byteOrderMark: true, declared: 'utf-32' }],
      ['UCS-4, utf-16 declared', ucs4(declaring('utf-16'), '4321', false), { detected: 'UCS-4LE', byteOrderMark: false, declared: 'utf-16' }],
    ];
    for (const [label, bytes, params] of cases) {
      const err = await refusal(bytes, 'VaultCredentialEncodingMismatch');
      assert.deepEqual({ ...err.params, agentCode: undefined }, { agentCode: undefined, ...params }, label);
    }
  });

  it('refuses an encoding the agent does not know, EBCDIC, and a code page holding non-ASCII bytes', async () => {
    const unknown = await refusal(Buffer.from(declaring('x-klingon')), 'VaultCredentialUnsupportedEncoding');
    assert.deepEqual([unknown.params.declared, unknown.params.reason], ['x-klingon', 'unknown']);
    assert.match(unknown.message, /"x-klingon", which the backup agent does not know/);
    // Not an XML encoding name, though a WHATWG label would forgive the space.
    assert.equal((await refusal(Buffer.from(declaring('utf-8 ')), 'VaultCredentialUnsupportedEncoding')).params.reason, 'unknown');
    // `<?xml` in EBCDIC (code page 037), as Appendix F lists it.
    const ebcdic = await refusal(Buffer.from([0x4c, 0x6f, 0xa7, 0x94, 0x93, 0x40]), 'VaultCredentialUnsupportedEncoding');
    assert.equal(ebcdic.params.reason, 'ebcdic');
    const latin1 = Buffer.from(declaring('windows-1252').replace('<ResourceGroup>', '<ResourceGroup>\u00e9'), 'latin1');
    const nonAscii = await refusal(latin1, 'VaultCredentialUnsupportedEncoding');
    assert.deepEqual([nonAscii.params.declared, nonAscii.params.reason], ['windows-1252', 'nonAscii']);
  });

  it('refuses bytes that are not valid in the encoding found, naming it', async () => {
    const withResourceGroup = (bytes: Buffer) => Buffer.concat([Buffer.from(xml.slice(0, xml.indexOf('</ResourceGroup>'))), bytes, Buffer.from(xml.slice(xml.indexOf('</ResourceGroup>')))]);
    const le = utf16(declaring('utf-16'), 'le', true);
    const insertAt = le.indexOf(Buffer.from('</ResourceGroup>', 'utf16le'));
    const cases: Array<[string, Uint8Array, string]> = [
      ['a Latin-1 byte in UTF-8', withResourceGroup(Buffer.from([0xe9])), 'UTF-8'],
      ['an overlong UTF-8 sequence', withResourceGroup(Buffer.from([0xc0, 0xbc])), 'UTF-8'],
      ['UTF-16 cut mid-character', le.subarray(0, le.length - 1), 'UTF-16LE'],
      ['a lone surrogate in UTF-16', Buffer.concat([le.subarray(0, insertAt), Buffer.from([0x00, 0xd8]), le.subarray(insertAt)]), 'UTF-16LE'],
      ['a lone surrogate in UTF-16BE', utf16(declaring('utf-16').replace('</ResourceGroup>', '\ud800</ResourceGroup>'), 'be', true), 'UTF-16BE'],
      ['UCS-4 past U+10FFFF', Buffer.concat([ucs4(declaring('ucs-4'), '1234', true), Buffer.from([0x00, 0x11, 0x00, 0x00])]), 'UCS-4BE'],
      ['UCS-4 cut mid-character', ucs4(declaring('ucs-4'), '4321', true).subarray(0, -2), 'UCS-4LE'],
    ];
    for (const [label, bytes, encoding] of cases) {
      const err = await refusal(bytes, 'VaultCredentialInvalidEncoding');
      assert.equal(err.params.encoding, encoding, label);
      assert.match(err.message, new RegExp(`not valid ${encoding.replace(/[()]/g, '\\$&')}`), label);
    }
  });

  it('the certificate read from a UTF-16 file registers a machine with the vault that issued it', async () => {
    const read = await inspect(utf16(declaring('utf-16'), 'le', true));
    const client = vaultClient(vault, { certPem: read.clientCertificate.certPem, keyPem: read.clientCertificate.keyPem });
    try {
      const machine = await registerMachine(client, { serverName: 'utf16-server' });
      assert.equal(machine.response.status, 201);
      const registrations = await vault.admin.listRegistrations(issued.identity.name);
      assert.ok(registrations.some((r) => r.registrationId === machine.registrationId && r.serverName === 'utf16-server'));
    } finally {
      await client.close();
    }
  });
});
