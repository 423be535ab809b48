/**
 * A multi-step Quick Input as small step objects, after vscode-azuretools' AzureWizard: each step
 * says whether it is on the path the answers so far lead to (shouldPrompt), whether it has
 * nothing to ask there (skip) and asks it (prompt). Back returns to the previous step that asked,
 * whose answer is kept as the default, except what undo() forgets (secrets). Cancel ends the
 * wizard with a CancelledError that surfaces keep silent.
 *
 * "Step n of N" counts the steps on the path: N changes only when an answer changes the path, and
 * a skipped step keeps its number, so going forward and Back along one path shows the same
 * numbers (never "6 of 8" then "7 of 7"). Questions not answered yet count with the answer they
 * offer first (the context's defaults).
 *
 * As AzureWizard splits AzureWizardPromptStep from AzureWizardExecuteStep, prompt steps only
 * collect answers into the context (checking them through the service changes nothing); the
 * execute steps apply them, in order, once the wizard (and its summary) is through. Cancelling
 * before then changes nothing.
 */
import { isGoBack, type InputOptions, type PickItem, type PickManyOptions, type PickOptions, type UserInput } from '../input/userInput';

/** What a step prompts through: the wizard fills in the title, "step n of N" and Back. */
export interface StepPrompter {
  pick<T>(options: Omit<PickOptions<T>, 'title' | 'step' | 'back'>): Promise<PickItem<T>>;
  pickMany<T>(options: Omit<PickManyOptions<T>, 'title' | 'step' | 'back'>): Promise<PickItem<T>[]>;
  input(options: Omit<InputOptions, 'title' | 'step' | 'back'>): Promise<string>;
  readonly ui: UserInput;
}

export interface WizardStep<C> {
  /** On the path the answers in `ctx` lead to; decided by earlier answers only. */
  shouldPrompt(ctx: C): boolean;
  /** On the path, but with nothing to ask this time: passed over, its number kept. */
  skip?(ctx: C): boolean;
  prompt(ctx: C, prompter: StepPrompter): Promise<void>;
  /** Back is leaving this step: forget what must not be kept (a typed secret). */
  undo?(ctx: C): void;
}

export async function runWizard<C>(title: string, steps: WizardStep<C>[], ctx: C, ui: UserInput): Promise<void> {
  const asked: number[] = [];
  let index = 0;
  while (index < steps.length) {
    const step = steps[index]!;
    if (!step.shouldPrompt(ctx) || step.skip?.(ctx)) {
      index++;
      continue;
    }
    const onPath = steps.map((s) => s.shouldPrompt(ctx));
    const position = onPath.slice(0, index).filter(Boolean).length + 1;
    const total = onPath.filter(Boolean).length;
    const common = { title, step: { step: position, total }, back: asked.length > 0 };
    const prompter: StepPrompter = {
      pick: (o) => ui.pick({ ...o, ...common }),
      pickMany: (o) => ui.pickMany({ ...o, ...common }),
      input: (o) => ui.input({ ...o, ...common }),
      ui,
    };
    try {
      await step.prompt(ctx, prompter);
      asked.push(index);
      index++;
    } catch (err) {
      if (!isGoBack(err)) throw err;
      step.undo?.(ctx);
      const previous = asked.pop();
      if (previous === undefined) continue;
      steps[previous]!.undo?.(ctx);
      index = previous;
    }
  }
}

/** Applies answers after the wizard. False when it refused (and showed why): the steps after it do not run. */
export interface ExecuteStep<C> {
  execute(ctx: C): Promise<boolean>;
}

/** Runs the execute steps in order; false when one refused. */
export async function runExecuteSteps<C>(steps: ExecuteStep<C>[], ctx: C): Promise<boolean> {
  for (const step of steps) if (!(await step.execute(ctx))) return false;
  return true;
}
