/**
 * The user-input port the wizard and the commands prompt through (after vscode-azuretools'
 * IAzureUserInput): production shows Quick Inputs and dialogs; tests script the answers.
 * Back and Cancel travel as errors recognised by name, so a test bundle can raise them too.
 */
import type * as vscode from 'vscode';

export const GO_BACK = 'GoBack';

export class GoBackError extends Error {
  override readonly name = GO_BACK;
  constructor() {
    super('Back');
  }
}

export const isGoBack = (err: unknown): boolean => err instanceof Error && err.name === GO_BACK;

export const ALTERNATIVE_CHOSEN = 'AlternativeChosen';

/** The input box's alternative button (InputOptions.alternative) was pressed instead of an answer. */
export class AlternativeChosenError extends Error {
  override readonly name = ALTERNATIVE_CHOSEN;
  constructor() {
    super('Alternative chosen');
  }
}

export const isAlternativeChosen = (err: unknown): boolean => err instanceof Error && err.name === ALTERNATIVE_CHOSEN;

export interface StepInfo {
  /** 1-based. */
  step: number;
  total: number;
}

interface PromptBase {
  title: string;
  step?: StepInfo;
  /** Offer the Back button (every step but the first). */
  back?: boolean;
}

export interface PickItem<T> extends vscode.QuickPickItem {
  data: T;
}

export interface PickOptions<T> extends PromptBase {
  placeholder?: string;
  items: PickItem<T>[];
  /** The item to preselect (Back keeps a previous choice). */
  active?: T;
}

export interface PickManyOptions<T> extends PromptBase {
  placeholder?: string;
  items: PickItem<T>[];
  /** The items checked when the list opens. */
  selected?: T[];
}

export interface InputOptions extends PromptBase {
  prompt?: string;
  value?: string;
  /**
   * A value found while the box is already open (a search of the workspace, say): it fills the
   * box unless the user typed first, and Enter waits for it.
   */
  suggestedValue?: Promise<string | undefined>;
  placeholder?: string;
  password?: boolean;
  /** A message shown as the box opens (a refusal from the previous attempt). */
  initialMessage?: string;
  /** Sync or async; results that arrive after a newer value are ignored. */
  validate?: (value: string) => string | undefined | Promise<string | undefined>;
  /** An extra button (e.g. "Browse…") that may produce a new value. */
  browse?: { tooltip: string; run: () => Promise<string | undefined> };
  /** A button that leaves the box for another way to answer (e.g. "From Azure…"): input() rejects with AlternativeChosenError. */
  alternative?: { tooltip: string; icon: string };
}

export type MessageKind = 'info' | 'warning' | 'error';

export interface UserInput {
  pick<T>(options: PickOptions<T>): Promise<PickItem<T>>;
  /** A list with check boxes; resolves to the checked items (possibly none). */
  pickMany<T>(options: PickManyOptions<T>): Promise<PickItem<T>[]>;
  input(options: InputOptions): Promise<string>;
  /** A file dialog always says what it is for (its title). */
  openFile(options: vscode.OpenDialogOptions & { title: string }): Promise<string | undefined>;
  saveFile(options: vscode.SaveDialogOptions & { title: string }): Promise<string | undefined>;
  /** A modal question; true only for the confirm button. */
  confirm(message: string, detail: string, confirmLabel: string): Promise<boolean>;
  /** A notification with optional actions; resolves to the action chosen, if any. */
  message(kind: MessageKind, text: string, ...actions: string[]): Promise<string | undefined>;
}
