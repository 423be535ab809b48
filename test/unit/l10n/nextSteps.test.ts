// Every error has a way forward: each code the sources produce names a next step (not the
// fallback), each next step has a fixing command the manifest contributes or an instruction,
// and each label and instruction has its Spanish text.
import assert from 'node:assert/strict';
import { SetupError } from '../../../src/core/errors';
import { NEXT_ACTIONS, nextActionFor } from '../../../src/core/registration/errors';
import { NEXT_STEPS } from '../../../src/vscode/features/errors/nextSteps';
import { asSetupError, credentialsNotSelected, passphraseNotSet } from '../../../src/vscode/features/session/checked';
import { CORE_CODES } from './codes';
import { readJson } from './strings';

describe('Next steps', () => {
  it('names a next step for every code the core and the local vault produce', () => {
    assert.ok(CORE_CODES.size > 100, `only ${CORE_CODES.size} codes gathered`);
    assert.deepEqual([...CORE_CODES].filter((code) => nextActionFor(code) === undefined), []);
  });

  it("names one for the adapter's own refusals where they are made", () => {
    for (const err of [credentialsNotSelected(), passphraseNotSet(), asSetupError(new Error('boom'))]) {
      assert.ok((NEXT_ACTIONS as readonly unknown[]).includes(err.params.action), `${err.code}: ${String(err.params.action)}`);
    }
    assert.equal(asSetupError(new Error('boom')).params.action, 'reportProblem');
    assert.ok(asSetupError(new SetupError('X', 'y')).code === 'X');
  });

  it('offers for every next step a contributed command with a label, or an instruction', () => {
    const contributed = new Set((readJson('package.json') as unknown as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map((c) => c.command));
    assert.deepEqual(Object.keys(NEXT_STEPS).sort(), [...NEXT_ACTIONS].sort());
    for (const [action, step] of Object.entries(NEXT_STEPS)) {
      if ('command' in step) {
        assert.ok(contributed.has(step.command), `${action}: ${step.command} is not a contributed command`);
        assert.ok(step.label.trim(), action);
      } else {
        assert.match(step.instruction, /\.$/, `${action}: an instruction is a sentence`);
      }
    }
  });

  it('has the Spanish text of every label and instruction', () => {
    const es = readJson('l10n/bundle.l10n.es.json');
    const texts = Object.values(NEXT_STEPS).map((step) => ('command' in step ? step.label : step.instruction));
    assert.deepEqual(texts.filter((t) => !es[t]?.trim()), []);
  });
});
