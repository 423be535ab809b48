// The wizard engine without VS Code: step order, "step n of N", Back to the previous step that
// asked (its answer kept, undo() called where a step forgets secrets), Cancel out.
import assert from 'node:assert/strict';
import { runWizard, type WizardStep } from '../../../src/vscode/features/wizard/wizard';
import { BACK, CANCEL, TestUserInput } from '../../support/testUserInput';

interface Ctx { name?: string; secret?: string; extra?: boolean; extraValue?: string }

const steps: WizardStep<Ctx>[] = [
  { shouldPrompt: () => true, prompt: async (c, p) => void (c.name = await p.input({ prompt: 'name', value: c.name })) },
  { shouldPrompt: (c) => Boolean(c.extra), prompt: async (c, p) => void (c.extraValue = await p.input({ prompt: 'extra' })) },
  {
    shouldPrompt: () => true,
    prompt: async (c, p) => void (c.secret = await p.input({ prompt: 'secret', password: true })),
    undo: (c) => void (c.secret = undefined),
  },
  { shouldPrompt: () => true, prompt: async (_c, p) => void (await p.pick({ items: [{ label: 'Go', data: 1 }] })) },
];

describe('runWizard', () => {
  it('numbers the steps that ask, skipping the others', async () => {
    const ui = new TestUserInput(['alice', 's3cret', 'Go']);
    const ctx: Ctx = {};
    await runWizard('Title', steps, ctx, ui);
    ui.assertDone();
    assert.deepEqual(ui.prompts.map((p) => p.step), ['1/3', '2/3', '3/3']);
    assert.deepEqual(ctx, { name: 'alice', secret: 's3cret' });
  });

  it('goes Back to the previous step that asked, keeping its answer but not a secret', async () => {
    const ui = new TestUserInput(['alice', 's3cret', BACK, BACK, 'bob', 'another', 'Go']);
    const ctx: Ctx = {};
    await runWizard('Title', steps, ctx, ui);
    ui.assertDone();
    const texts = ui.prompts.map((p) => `${p.text}=${p.value ?? ''}`);
    assert.deepEqual(texts, ['name=', 'secret=', 'undefined=', 'secret=', 'name=alice', 'secret=', 'undefined=']);
    assert.deepEqual(ctx, { name: 'bob', secret: 'another' });
  });

  it('offers Back on every step but the first', async () => {
    const ui = new TestUserInput([BACK, 'alice', CANCEL]);
    await assert.rejects(runWizard('Title', steps, {}, ui), { name: 'CancelledError' });
    // Back on the first step stays there.
    assert.deepEqual(ui.prompts.map((p) => p.text), ['name', 'name', 'secret']);
  });
});
