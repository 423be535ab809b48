// What a surface shows for an error the core did not word: a generic refusal; the detail only in the log line.
import assert from 'node:assert/strict';
import { CancelledError, SetupError } from '../../../src/core/errors';
import { asSetupError, checked, logLine } from '../../../src/vscode/features/session/checked';

describe('asSetupError', () => {
  const detail = 'EACCES: permission denied, open /home/admin/private/notes.txt';

  it('turns an unexpected error into UnexpectedError without its message in the message or params', async () => {
    const result = await checked(async () => {
      throw new Error(detail);
    });
    assert.equal(result.ok, false);
    const error = (result as { error: SetupError }).error;
    assert.equal(error.code, 'UnexpectedError');
    assert.ok(!error.message.includes('EACCES'), error.message);
    assert.deepEqual(error.params, { action: 'reportProblem' }, 'only its next step, no detail');
    assert.ok(!JSON.stringify(error).includes('EACCES'), 'what goes to the page');
    assert.equal(logLine(error), `UnexpectedError: ${error.message} (${detail})`);
  });

  it("keeps the core's refusals as they are, and their log line without a cause", () => {
    const refusal = new SetupError('PassphraseInvalid', 'Too short.', { minLength: 16 }, { cause: new Error('inner') });
    assert.equal(asSetupError(refusal), refusal);
    assert.equal(logLine(refusal), 'PassphraseInvalid: Too short.');
  });

  it('rethrows cancellation', () => {
    assert.throws(() => asSetupError(new CancelledError()), CancelledError);
  });
});
