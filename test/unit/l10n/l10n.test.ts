// Localisation completeness: a Spanish template for every error code the setup can show (the
// English text is the core's own message), every bundle and manifest key translated with its
// placeholders kept.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CacheCode } from '../../../src/core/cache/checkFolder';
import { StageCode } from '../../../src/core/connectivity/check';
import { CREDENTIALS_ERROR_CODES } from '../../../src/core/credentials/errors';
import { NetworkCode } from '../../../src/core/http/networkErrors';
import { HttpCode } from '../../../src/core/http/request';
import { INSTALL_CODES } from '../../../src/core/install/codes';
import { FleetCode } from '../../../src/core/fleet/types';
import { PASSPHRASE_CODES } from '../../../src/core/passphrase/codes';
import { SshCode } from '../../../src/core/target/ssh/types';
import { VaultCode } from '../../../src/vault/errors';
import { SESSION_ERROR_CODES } from '../../../src/vscode/features/session/checked';
import { l10nCalls, placeholders, readJson, ROOT, sourceFiles } from './strings';

const errorSources = [...sourceFiles(path.join(ROOT, 'src', 'core')), ...sourceFiles(path.join(ROOT, 'src', 'vault')), path.join(ROOT, 'src/vscode/features/session/checked.ts')];
const sourceText = new Map(errorSources.map((f) => [f, readFileSync(f, 'utf8')]));

/** Every code a SetupError is built with, as a literal in the core. */
function literalCodes(): string[] {
  const codes = new Set<string>();
  for (const text of sourceText.values()) {
    for (const m of text.matchAll(/(?:new SetupError|credentialsError)\(\s*'([^']+)'/g)) codes.add(m[1]!);
  }
  return [...codes];
}

const ALL_CODES = new Set<string>([
  ...literalCodes(),
  ...CREDENTIALS_ERROR_CODES,
  ...PASSPHRASE_CODES,
  ...INSTALL_CODES,
  ...Object.values(CacheCode),
  ...Object.values(NetworkCode),
  ...Object.values(HttpCode),
  StageCode.VaultUnhealthy,
  ...Object.values(VaultCode),
  ...SESSION_ERROR_CODES,
  ...Object.values(SshCode),
  ...Object.values(FleetCode),
]);

/** How sources name a code kept in a constant object (`SshCode.ConnectFailed`), besides its literal. */
const constantNames = new Map<string, string[]>();
for (const [object, codes] of [['SshCode', SshCode], ['FleetCode', FleetCode]] as const) {
  for (const [name, code] of Object.entries(codes)) constantNames.set(code, [...(constantNames.get(code) ?? []), `${object}.${name}`]);
}
const producesCode = (text: string, code: string) => text.includes(`'${code}'`) || (constantNames.get(code) ?? []).some((name) => text.includes(name));

describe('Error localisation', () => {
  const es = readJson('l10n/errors.es.json');

  it('has a Spanish template for every error code the setup can produce', () => {
    assert.ok(ALL_CODES.size > 100, `only ${ALL_CODES.size} codes gathered`);
    const missing = [...ALL_CODES].filter((code) => !es[code]?.trim());
    assert.deepEqual(missing, []);
  });

  it('uses only placeholders the code\'s source gives as params', () => {
    for (const [code, template] of Object.entries(es)) {
      const names = placeholders(template);
      if (!names.length) continue;
      const producers = [...sourceText.values()].filter((text) => producesCode(text, code));
      assert.ok(producers.length, `${code}: no source produces it`);
      for (const name of names) assert.ok(producers.some((t) => new RegExp(`\\b${name}\\b\\s*[:,}]`).test(t)), `${code}: {${name}} is not one of its params`);
    }
  });

  it('has no template for a code nothing produces', () => {
    assert.deepEqual(Object.keys(es).filter((code) => !ALL_CODES.has(code)), []);
  });
});

describe('Bundle and manifest translations', () => {
  it('translates every key of the Spanish bundle, keeping its placeholders', () => {
    for (const [key, value] of Object.entries(readJson('l10n/bundle.l10n.es.json'))) {
      assert.ok(value.trim(), `"${key}" is empty`);
      assert.deepEqual(placeholders(value), placeholders(key), `"${key}" → "${value}"`);
    }
  });

  it('has a Spanish text for every vscode.l10n.t call of the commands, wizard and status bar', () => {
    const files = [path.join(ROOT, 'src/extension.ts'), ...sourceFiles(path.join(ROOT, 'src/vscode')).filter((f) => !f.includes(`${path.sep}walkthrough${path.sep}`))];
    const es = readJson('l10n/bundle.l10n.es.json');
    const texts = l10nCalls(files);
    assert.ok(texts.size > 100);
    assert.deepEqual([...texts].filter((t) => !(t in es)), []);
  });

  it('package.nls.es.json has every key of package.nls.json, with the same placeholders', () => {
    const en = readJson('package.nls.json');
    const es = readJson('package.nls.es.json');
    for (const [key, value] of Object.entries(en)) {
      assert.ok(es[key]?.trim(), `${key} is not translated`);
      assert.deepEqual(placeholders(es[key]!), placeholders(value), key);
    }
  });
});
