/**
 * A scripted user for the extension's UserInput port (after vscode-azuretools' TestUserInput):
 * each prompt takes the next answer from the queue. An input answer that fails the prompt's
 * validation is recorded (as the user would see it) and the next answer is typed instead.
 */
import type { InputOptions, MessageKind, PickItem, PickManyOptions, PickOptions, UserInput } from '../../src/vscode/features/input/userInput';

export const BACK = Symbol('Back');
export const CANCEL = Symbol('Cancel');
/** Accept the value the input box shows. */
export const KEEP = Symbol('Keep');
/** Press an input box's alternative button ("From Azure…"). */
export const ALTERNATIVE = Symbol('Alternative');

/** A string types into an input box, names a file in a dialog, or picks the item whose label contains it. */
export type Answer = string | RegExp | boolean | typeof BACK | typeof CANCEL | typeof KEEP | typeof ALTERNATIVE;

export interface PromptRecord {
  kind: 'pick' | 'pickMany' | 'input' | 'openFile' | 'saveFile' | 'confirm';
  title?: string;
  text?: string;
  /** The value an input box opened with, or the file a save dialog proposes. */
  value?: string;
  items?: string[];
  /** The items' descriptions, in the same order ('' for none). */
  descriptions?: string[];
  step?: string;
}

export interface MessageRecord {
  kind: MessageKind;
  text: string;
  actions: string[];
}

const named = (name: string, message: string) => Object.assign(new Error(message), { name });
const stripIcons = (label: string) => label.replace(/\$\([^)]*\)\s*/g, '');

export class TestUserInput implements UserInput {
  readonly prompts: PromptRecord[] = [];
  readonly validationMessages: string[] = [];
  readonly messages: MessageRecord[] = [];

  constructor(
    private readonly answers: Answer[],
    /** Chooses a notification's action; none by default. */
    private readonly onMessage: (m: MessageRecord) => string | undefined = () => undefined,
  ) {}

  get remaining(): number {
    return this.answers.length;
  }

  assertDone(): void {
    if (this.answers.length) throw new Error(`${this.answers.length} answer(s) not used: ${this.answers.map(String).join(', ')}; prompts: ${JSON.stringify(this.prompts.slice(-3))}`);
  }

  private next(record: PromptRecord): Answer {
    this.prompts.push(record);
    if (!this.answers.length) throw new Error(`No answer left for ${JSON.stringify(record)}`);
    const answer = this.answers.shift()!;
    if (answer === BACK) throw named('GoBack', 'Back');
    if (answer === CANCEL) throw named('CancelledError', 'Cancelled');
    if (answer === ALTERNATIVE) throw named('AlternativeChosen', 'Alternative chosen');
    return answer;
  }

  async pick<T>(o: PickOptions<T>): Promise<PickItem<T>> {
    const labels = o.items.map((i) => stripIcons(i.label));
    const descriptions = o.items.map((i) => i.description ?? '');
    const answer = this.next({ kind: 'pick', title: o.title, text: o.placeholder, items: labels, descriptions, step: o.step && `${o.step.step}/${o.step.total}` });
    const index = labels.findIndex((l) => (answer instanceof RegExp ? answer.test(l) : typeof answer === 'string' && l.includes(answer)));
    if (index < 0) throw new Error(`No item matches ${String(answer)} in ${JSON.stringify(labels)}`);
    return o.items[index]!;
  }

  /** Checks every item whose label matches (a string: contains it); true checks them all, false none. */
  async pickMany<T>(o: PickManyOptions<T>): Promise<PickItem<T>[]> {
    const labels = o.items.map((i) => stripIcons(i.label));
    const answer = this.next({ kind: 'pickMany', title: o.title, text: o.placeholder, items: labels, step: o.step && `${o.step.step}/${o.step.total}` });
    const matches = (l: string) => (answer instanceof RegExp ? answer.test(l) : typeof answer === 'string' ? l.includes(answer) : answer === true);
    return o.items.filter((_, i) => matches(labels[i]!));
  }

  async input(o: InputOptions): Promise<string> {
    // As VS Code's box: the suggestion fills it before the user's Enter is taken.
    const shown = o.value ?? (await o.suggestedValue?.catch(() => undefined));
    for (;;) {
      const answer = this.next({ kind: 'input', title: o.title, text: o.prompt, value: shown, step: o.step && `${o.step.step}/${o.step.total}` });
      const value = answer === KEEP ? (shown ?? '') : answer;
      if (typeof value !== 'string') throw new Error(`An input box needs a string, not ${String(value)}`);
      const message = await o.validate?.(value);
      if (!message) return value;
      this.validationMessages.push(message);
    }
  }

  async openFile(o: { title: string }): Promise<string | undefined> {
    const answer = this.next({ kind: 'openFile', title: o.title });
    return typeof answer === 'string' ? answer : undefined;
  }

  async saveFile(o: { title: string; defaultUri?: { fsPath: string } }): Promise<string | undefined> {
    const answer = this.next({ kind: 'saveFile', title: o.title, value: o.defaultUri?.fsPath });
    return typeof answer === 'string' ? answer : undefined;
  }

  async confirm(message: string, detail: string): Promise<boolean> {
    return this.next({ kind: 'confirm', text: `${message}\n${detail}` }) === true;
  }

  async message(kind: MessageKind, text: string, ...actions: string[]): Promise<string | undefined> {
    const record = { kind, text, actions };
    this.messages.push(record);
    return this.onMessage(record);
  }
}
