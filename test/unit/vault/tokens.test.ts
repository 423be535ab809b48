import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bearerMatcher, bearerToken } from '../../../src/vault/tokens';
import { tempDir } from '../../support/vault';

describe('vault bearer tokens', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('vault-tokens-');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('makes one private token however many first users race for it', async () => {
    const file = path.join(dir, 'arm-token');
    const tokens = await Promise.all(Array.from({ length: 8 }, () => bearerToken(file)));
    assert.equal(new Set(tokens).size, 1);
    assert.equal((await fs.readFile(file, 'utf8')).trim(), tokens[0]);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  });

  it('replaces an empty token file, keeps a present one', async () => {
    const file = path.join(dir, 'admin-token');
    await fs.writeFile(file, '\n', { mode: 0o600 });
    const made = await bearerToken(file);
    assert.match(made, /^[\w-]{43}$/);
    assert.equal(await bearerToken(file), made);
  });

  it('matches only `Bearer <token>`', () => {
    const matches = bearerMatcher('secret-token');
    assert.equal(matches('Bearer secret-token'), true);
    for (const header of [undefined, '', 'secret-token', 'Bearer other', 'Basic secret-token', 'Bearer secret-token extra']) {
      assert.equal(matches(header), false, String(header));
    }
  });
});
