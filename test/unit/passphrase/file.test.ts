import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { ERROR_CATALOGUE, type ErrorCode } from '../../../src/core/errorCatalogue';
import { isSetupError, type SetupError } from '../../../src/core/errors';
import { proposedPassphraseFile, readPassphraseFile, savePassphraseFile } from '../../../src/core/passphrase/file';
import { generatePassphrase } from '../../../src/core/passphrase/generate';

describe('passphrase file', () => {
  let dir: string;
  const now = new Date('2025-03-04T05:06:07.000Z');
  const passphrase = generatePassphrase();
  const save = (name: string, extra: Partial<Parameters<typeof savePassphraseFile>[0]> = {}) =>
    savePassphraseFile({ file: path.join(dir, name), passphrase, vaultName: 'lab1', serverName: 'SRV01', now, ...extra });
  /** Every SetupError met in these tests, checked at the end for leaked secrets. */
  const errors: SetupError[] = [];
  const failure = async (promise: Promise<unknown>, code: ErrorCode): Promise<SetupError> => {
    const err = await promise.then(() => assert.fail(`expected ${code}`), (e: unknown) => e);
    assert.ok(isSetupError(err, code), String(err));
    errors.push(err);
    return err;
  };

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'passphrase-file-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('saves a readable note of vault, server, date and passphrase, mode 0600', async () => {
    const result = await save('lab1.passphrase.txt');
    assert.equal(result.savedAt, now);
    const stat = await fs.stat(result.file);
    if (process.platform !== 'win32') assert.equal(stat.mode & 0o777, 0o600);
    const text = await fs.readFile(result.file, 'utf8');
    for (const line of ['Vault:  lab1', 'Server: SRV01', 'Saved:  2025-03-04T05:06:07.000Z', `Passphrase: ${passphrase}`]) {
      assert.ok(text.includes(line), line);
    }
    const saved = await readPassphraseFile(result.file);
    assert.deepEqual(saved.toJSON(), { vaultName: 'lab1', serverName: 'SRV01', savedAt: '2025-03-04T05:06:07.000Z' });
    assert.equal(saved.passphrase, passphrase);
    assert.ok(!JSON.stringify(saved).includes(passphrase) && !inspect(saved, { showHidden: true }).includes(passphrase));
  });

  it('never overwrites an existing file', async () => {
    const file = path.join(dir, 'existing.txt');
    await fs.writeFile(file, 'keep me');
    await failure(save('existing.txt'), 'PassphraseFileExists');
    assert.equal(await fs.readFile(file, 'utf8'), 'keep me');
    await save('twice.txt');
    await failure(save('twice.txt', { passphrase: generatePassphrase() }), 'PassphraseFileExists');
    assert.equal((await readPassphraseFile(path.join(dir, 'twice.txt'))).passphrase, passphrase);
  });

  it('refuses a passphrase the agent would refuse, writing nothing', async () => {
    const err = await failure(save('short.txt', { passphrase: 'tooshort' }), 'PassphraseInvalid');
    assert.equal(err.params.errors, 'PassphraseTooShort');
    await assert.rejects(fs.stat(path.join(dir, 'short.txt')), { code: 'ENOENT' });
  });

  it('keeps names on their own line, so a server name cannot forge a passphrase line', async () => {
    const result = await save('forged.txt', { serverName: 'SRV\nPassphrase: forged-passphrase-0000' });
    const saved = await readPassphraseFile(result.file);
    assert.equal(saved.passphrase, passphrase);
    assert.equal(saved.serverName, 'SRV?Passphrase: forged-passphrase-0000');
  });

  it('reports a folder that does not exist', async () => {
    const err = await failure(save(path.join('missing', 'p.txt')), 'PassphraseFileWriteFailed');
    assert.equal(err.params.reason, 'ENOENT');
  });

  it('removes the file and fails when it does not read back as written', async () => {
    const original = fs.readFile;
    // Simulate a storage layer that corrupts what it stores.
    fs.readFile = (async () => Buffer.from('Passphrase: something-else-entirely\n')) as unknown as typeof fs.readFile;
    try {
      const err = await failure(save('corrupting.txt'), 'PassphraseFileVerifyFailed');
      assert.equal(err.params.reason, 'content');
    } finally {
      fs.readFile = original;
    }
    await assert.rejects(fs.stat(path.join(dir, 'corrupting.txt')), { code: 'ENOENT' });
  });

  it('tells a missing file from one that is not a passphrase file', async () => {
    await failure(readPassphraseFile(path.join(dir, 'nope.txt')), 'PassphraseFileUnreadable');
    await fs.writeFile(path.join(dir, 'notes.txt'), 'just notes\n');
    assert.equal((await failure(readPassphraseFile(path.join(dir, 'notes.txt')), 'PassphraseFileMalformed')).params.reason, 'noPassphrase');
  });

  it('proposes a name no file has yet, so a new passphrase is never offered an earlier one\'s file', async () => {
    const folder = path.join(dir, 'proposals');
    await fs.mkdir(folder);
    const first = proposedPassphraseFile(folder, ['lab 1', 'srv/01']);
    assert.equal(first, path.join(folder, 'BackupPassphrase-lab_1-srv_01.txt'));
    assert.equal(proposedPassphraseFile(folder, ['lab 1', 'srv/01']), first, 'the same while nothing is saved there');
    await savePassphraseFile({ file: first, passphrase, vaultName: 'lab 1', serverName: 'srv/01', now });
    const second = proposedPassphraseFile(folder, ['lab 1', 'srv/01']);
    assert.equal(second, path.join(folder, 'BackupPassphrase-lab_1-srv_01-2.txt'));
    // A dangling link takes the name too: saving there would be refused.
    await fs.symlink(path.join(folder, 'gone'), second);
    assert.equal(proposedPassphraseFile(folder, ['lab 1', 'srv/01']), path.join(folder, 'BackupPassphrase-lab_1-srv_01-3.txt'));
    await failure(savePassphraseFile({ file: first, passphrase: generatePassphrase(), vaultName: 'lab 1', serverName: 'srv/01', now }), 'PassphraseFileExists');
    assert.equal((await readPassphraseFile(first)).passphrase, passphrase, 'the earlier passphrase stays in its file');
  });

  it('never puts a passphrase in an error, and uses only listed codes', () => {
    assert.ok(errors.length >= 6);
    for (const err of errors) {
      assert.ok(Object.hasOwn(ERROR_CATALOGUE.passphrase, err.code), err.code);
      const text = `${err.message} ${JSON.stringify(err.toJSON())}`;
      for (const secret of [passphrase, 'tooshort']) assert.ok(!text.includes(secret), `${err.code} leaks`);
    }
  });
});
