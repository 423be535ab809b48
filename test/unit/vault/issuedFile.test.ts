/** An issued file's private home (issuedFile.ts): a 0700 temp folder, removed with the file; a copy only where the user says, 0600, never over another file. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isSetupError } from '../../../src/core/errors';
import { inPrivateCredentialsFolder, privateCredentialsFolder, removeIssuedFile } from '../../../src/core/vault/issuedFile';
import { saveCredentialsCopy } from '../../../src/core/vault/saveIssued';

describe('Issued credentials file on the admin machine', () => {
  let folder: string;
  let file: string;
  let elsewhere: string;

  beforeEach(async () => {
    folder = await privateCredentialsFolder();
    file = path.join(folder, 'v_Sun Dec 06 2026.VaultCredentials');
    await fs.writeFile(file, '<xml/>', { mode: 0o600 });
    elsewhere = await fs.mkdtemp(path.join(os.tmpdir(), 'issued-copy-'));
  });
  afterEach(async () => {
    await fs.rm(folder, { recursive: true, force: true });
    await fs.rm(elsewhere, { recursive: true, force: true });
  });

  it('makes a new owner-only folder under the temp folder for each file', async () => {
    assert.equal((await fs.stat(folder)).mode & 0o777, 0o700);
    assert.equal(path.dirname(folder), path.resolve(os.tmpdir()));
    const other = await privateCredentialsFolder();
    await fs.rm(other, { recursive: true });
    assert.notEqual(other, folder);
    assert.ok(inPrivateCredentialsFolder(file));
  });

  it('removes the file with its private folder, and leaves a file elsewhere alone', async () => {
    const own = path.join(elsewhere, 'mine.VaultCredentials');
    await fs.writeFile(own, 'x');
    assert.equal(await removeIssuedFile(own), false);
    assert.equal(await fs.readFile(own, 'utf8'), 'x');
    assert.equal(await removeIssuedFile(file), true);
    await assert.rejects(fs.stat(folder), { code: 'ENOENT' });
  });

  it('saves a copy 0600 where asked, never over another file', async () => {
    const copy = await saveCredentialsCopy(file, path.join(elsewhere, 'copy.VaultCredentials'));
    assert.equal(await fs.readFile(copy, 'utf8'), '<xml/>');
    assert.equal((await fs.stat(copy)).mode & 0o777, 0o600);
    await fs.writeFile(path.join(elsewhere, 'taken.VaultCredentials'), 'theirs');
    const err = await saveCredentialsCopy(file, path.join(elsewhere, 'taken.VaultCredentials')).then(() => assert.fail('overwrote'), (e: unknown) => e);
    assert.ok(isSetupError(err) && err.code === 'CredentialsFileExists', String(err));
    assert.equal(await fs.readFile(path.join(elsewhere, 'taken.VaultCredentials'), 'utf8'), 'theirs');
  });
});
