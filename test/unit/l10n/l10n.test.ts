// Localisation completeness: a Spanish template for every error code the setup can show (the
// English text is the core's own message), every bundle and manifest key translated with its
// placeholders kept, and every text the command line prints.
import assert from 'node:assert/strict';
import path from 'node:path';
import { ALL_CODES, producesCode, SOURCE_TEXT } from './codes';
import { COMMANDS } from '../../../src/cli/args';
import { CLI_STRINGS } from '../../../src/cli/strings';
import { VAULT_CLI_STRINGS } from '../../../src/vault/cliStrings';
import { SECURITY_PIN_PROMPT } from '../../../src/core/agents/mars/pin';
import { NEXT_ACTION_INSTRUCTIONS } from '../../../src/core/nextActionInstructions';
import { CHANGE_STAGES, REGISTER_STAGES, STAGE_LABELS, stageLabelOf, UNREGISTER_STAGES } from '../../../src/core/service';
import { CHOICE_LABELS } from '../../../src/core/vault/kinds';
import { STRINGS } from '../../../src/webview/strings';
import { l10nCalls, placeholders, readJson, ROOT, sourceFiles } from './strings';

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
      const producers = [...SOURCE_TEXT.values()].filter((text) => producesCode(text, code));
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
    const files = [path.join(ROOT, 'src/extension.ts'), ...sourceFiles(path.join(ROOT, 'src/vscode')).filter((f) => !f.includes(`${path.sep}setupPage${path.sep}`))];
    const es = readJson('l10n/bundle.l10n.es.json');
    // The stages' labels reach vscode.l10n.t from the core's table, not as literals.
    const texts = [...l10nCalls(files), ...Object.values(STAGE_LABELS)];
    assert.ok(texts.length > 100);
    assert.deepEqual(texts.filter((t) => !(t in es)), []);
  });

  it("has a Spanish text for every text of the setup page's table, keeping its placeholders (the summaries' backend × agent line too)", () => {
    const es = readJson('l10n/bundle.l10n.es.json');
    const english = Object.values(STRINGS);
    assert.deepEqual(english.filter((text) => !es[text]?.trim()), []);
    for (const text of english) assert.deepEqual(placeholders(es[text]!), placeholders(text), text);
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

describe('Command line translations', () => {
  /** Every English text the command lines print: their own tables (backup-vault's too), the usage lines, and what they share with the extension. */
  const english = [
    ...Object.values(CLI_STRINGS),
    ...Object.values(VAULT_CLI_STRINGS),
    ...Object.values(STAGE_LABELS),
    ...Object.values(COMMANDS).map((c) => c.usage),
    ...Object.values(NEXT_ACTION_INSTRUCTIONS),
    ...Object.values(CHOICE_LABELS.backend),
    ...Object.values(CHOICE_LABELS.agent),
    SECURITY_PIN_PROMPT,
  ];
  const cli = readJson('l10n/cli.es.json');
  const bundle = readJson('l10n/bundle.l10n.es.json');
  // As src/cli/spanish.ts merges them.
  const es: Record<string, string> = { ...bundle, ...cli };
  const options = (text: string) => [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])].sort();

  it('has a Spanish text for every text the command line prints, with its placeholders and option names', () => {
    assert.ok(english.length > 150, `only ${english.length} texts`);
    assert.deepEqual(english.filter((text) => !es[text]?.trim()), []);
    for (const text of english) {
      assert.deepEqual(placeholders(es[text]!), placeholders(text), text);
      assert.deepEqual(options(es[text]!), options(text), `option names stay as they are: ${text}`);
    }
  });

  it('keeps in l10n/cli.es.json only texts the command line prints, none the bundle already translates', () => {
    assert.deepEqual(Object.keys(cli).filter((text) => !english.includes(text)), []);
    assert.deepEqual(Object.keys(cli).filter((text) => text in bundle), []);
  });

  it('labels every stage the service reports, for both surfaces (the core\'s STAGE_LABELS)', () => {
    for (const stage of [...REGISTER_STAGES, ...CHANGE_STAGES, ...UNREGISTER_STAGES]) assert.ok(stageLabelOf(stage), stage);
  });
});
