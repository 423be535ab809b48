// Localised error texts from real core refusals: placeholders filled from the error's params,
// the core's English message when a template needs a param the error lacks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inspectCredentialsFile } from '../../../src/core/credentials/inspect';
import { SetupError } from '../../../src/core/errors';
import { fillTemplate, templatedMessage } from '../../../src/core/l10n/template';
import { buildCredentialsCorpus } from '../../support/credentials-corpus';
import { tempDir } from '../../support/vault';

const es = JSON.parse(readFileSync(path.resolve(__dirname, '../../../l10n/errors.es.json'), 'utf8')) as Record<string, string>;

describe('Error templates', () => {
  it('fills the Spanish text of real credentials refusals from their params', async function () {
    this.timeout(60_000);
    const corpus = await buildCredentialsCorpus(await tempDir('l10n-'), new Date());
    for (const c of corpus.hostile) {
      const err = await inspectCredentialsFile(c.file, { now: corpus.now }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof SetupError, c.name);
      const text = fillTemplate(es[err.code]!, err.params);
      assert.ok(text, `${c.name}: ${err.code} lacks a param its template needs`);
      assert.doesNotMatch(text, /\{\w+\}/);
    }
  });

  it('gives undefined (the English message is shown) when a param is missing', () => {
    assert.equal(fillTemplate('Carpeta {folder}', {}), undefined);
    assert.equal(fillTemplate('Carpeta {folder}', { folder: '/x' }), 'Carpeta /x');
  });

  it("shows the template's text, else the core's message (no template, or a param missing): both surfaces use this rule", () => {
    const error = { code: 'X', message: 'Folder /x', params: { folder: '/x' } };
    assert.equal(templatedMessage({ X: 'Carpeta {folder}' }, error), 'Carpeta /x');
    assert.equal(templatedMessage({ X: 'Carpeta {folder} {other}' }, error), 'Folder /x');
    assert.equal(templatedMessage({}, error), 'Folder /x');
    assert.equal(templatedMessage(undefined, error), 'Folder /x');
  });
});
