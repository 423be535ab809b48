// Every error has a way forward: the catalogue gives each code one next step (the compiler
// checks that every code is there), the step named where an error is made agrees with it, each
// next step has a fixing command the manifest contributes or an instruction, and each label and
// instruction has its Spanish text.
import assert from 'node:assert/strict';
import { ERROR_CATALOGUE, isErrorCode, nextActionOf } from '../../../src/core/errorCatalogue';
import { NEXT_ACTIONS } from '../../../src/core/nextActions';
import { NEXT_STEPS } from '../../../src/vscode/features/errors/nextSteps';
import { asSetupError, credentialsNotSelected, passphraseNotSet } from '../../../src/vscode/features/session/checked';
import { ALL_CODES } from './codes';
import { readJson } from './strings';

describe('Next steps', () => {
  it('names one next step for every code, the same in every family that has the code', () => {
    assert.ok(ALL_CODES.size > 100, `only ${ALL_CODES.size} codes in the catalogue`);
    for (const [family, steps] of Object.entries(ERROR_CATALOGUE)) {
      for (const [code, action] of Object.entries(steps)) {
        assert.ok((NEXT_ACTIONS as readonly string[]).includes(action), `${family}.${code}: ${action}`);
        assert.ok(isErrorCode(code), code);
        assert.equal(nextActionOf(code), action, `${code} is in ${family} with another step than elsewhere`);
      }
    }
    assert.equal(isErrorCode('SomethingElse'), false);
    assert.equal(isErrorCode('toString'), false, 'an Object.prototype name is no code');
  });

  it("names the catalogue's step for the adapter's own refusals where they are made", () => {
    for (const err of [credentialsNotSelected(), passphraseNotSet(), asSetupError(new Error('boom'))]) {
      assert.equal(err.params.action, nextActionOf(err.code), err.code);
    }
    const own = credentialsNotSelected();
    assert.equal(asSetupError(own), own, 'a SetupError passes as it is');
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
