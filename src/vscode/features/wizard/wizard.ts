/**
 * A multi-step Quick Input as small step objects, after vscode-azuretools' AzureWizard: each step
 * says whether it has anything to ask (shouldPrompt) and asks it (prompt). Back returns to the
 * previous step that asked, whose answer is kept as the default, except what undo() forgets
 * (secrets). Cancel ends the wizard with a CancelledError that surfaces keep silent.
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
  shouldPrompt(ctx: C): boolean;
  prompt(ctx: C, prompter: StepPrompter): Promise<void>;
  /** Back is leaving this step: forget what must not be kept (a typed secret). */
  undo?(ctx: C): void;
}

export async function runWizard<C>(title: string, steps: WizardStep<C>[], ctx: C, ui: UserInput): Promise<void> {
  const asked: number[] = [];
  let index = 0;
  while (index < steps.length) {
    const step = steps[index]!;
    if (!step.shouldPrompt(ctx)) {
      index++;
      continue;
    }
    const position = asked.length + 1;
    const total = asked.length + steps.slice(index).filter((s) => s.shouldPrompt(ctx)).length;
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
