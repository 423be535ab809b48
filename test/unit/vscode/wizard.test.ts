// The wizard engine without VS Code: step order, "step n of N" stable along a path (forward and
// Back), Back to the previous step that asked (its answer kept, undo() called where a step
// forgets secrets), Cancel out.
import assert from 'node:assert/strict';
import { runWizard, type WizardStep } from '../../../src/vscode/features/wizard/wizard';
import { BACK, CANCEL, TestUserInput, type Answer } from '../../support/testUserInput';

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

  interface Path { choice?: 'keep' | 'new' | 'own'; typed?: string }
  // The setup's passphrase part: a choice, typing only for 'own', keeping only what is not kept yet.
  const pathSteps: WizardStep<Path>[] = [
    { shouldPrompt: () => true, prompt: async (_c, p) => void (await p.input({ prompt: 'credentials' })) },
    {
      shouldPrompt: () => true,
      prompt: async (c, p) => {
        const items = [{ label: 'Generate', data: 'new' as const }, { label: 'Use the one chosen before', data: 'keep' as const }, { label: 'Enter my own', data: 'own' as const }];
        c.choice = (await p.pick({ items, active: c.choice })).data;
      },
    },
    { shouldPrompt: (c) => c.choice === 'own', prompt: async (c, p) => void (c.typed = await p.input({ prompt: 'type it' })) },
    { shouldPrompt: () => true, skip: (c) => c.choice === 'keep', prompt: async (_c, p) => void (await p.pick({ items: [{ label: 'Save', data: 1 }] })) },
    { shouldPrompt: () => true, prompt: async (_c, p) => void (await p.pick({ items: [{ label: 'Register', data: 1 }] })) },
  ];
  const run = async (answers: Answer[]) => {
    const ui = new TestUserInput(answers);
    await runWizard('Title', pathSteps, {}, ui);
    ui.assertDone();
    return ui.prompts.map((p) => `${p.text ?? p.items?.[0]}:${p.step}`);
  };

  it('keeps the total when a step on the path has nothing to ask (never "2 of 4" then "3 of 3"), forward and Back', async () => {
    const shown = await run(['file', 'Generate', 'Save', BACK, BACK, 'Use the one', 'Register']);
    assert.deepEqual(shown, ['credentials:1/4', 'Generate:2/4', 'Save:3/4', 'Register:4/4', 'Save:3/4', 'Generate:2/4', 'Register:4/4']);
  });

  it('changes the total only when an answer changes the path, and shows the same numbers on it going Back and forward', async () => {
    const shown = await run(['file', 'Enter my own', 'a typed one', 'Save', BACK, BACK, BACK, BACK, 'file', 'Enter my own', 'typed again', 'Save', 'Register']);
    assert.deepEqual(shown, [
      'credentials:1/4',
      'Generate:2/4', // before the choice: counted with the answer it offers first
      'type it:3/5',
      'Save:4/5',
      'Register:5/5',
      'Save:4/5', // Back along the same path: the same numbers
      'type it:3/5',
      'Generate:2/5',
      'credentials:1/5',
      'Generate:2/5',
      'type it:3/5',
      'Save:4/5',
      'Register:5/5',
    ]);
  });
});
