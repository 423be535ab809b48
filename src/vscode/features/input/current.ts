/**
 * The window's user-input port: VS Code's, unless a test put its scripted user in place. Every
 * surface prompts through it, the webview's remote-server choice included.
 */
import type { Logger } from '../../../core/service';
import type { UserInput } from './userInput';
import { vscodeUserInput } from './vscodeUserInput';

let vscodeInput: UserInput | undefined;
let scripted: UserInput | undefined;

export const currentInput = (): UserInput => {
  const input = scripted ?? vscodeInput;
  if (!input) throw new Error('The user-input port was used before the features started.');
  return input;
};

/** VS Code's port, logging each Quick Input it shows to `log` (the composition root's). */
export function useVscodeInput(log: Logger): void {
  vscodeInput = vscodeUserInput(log);
}

/** Puts a scripted user in place; undefined restores VS Code's port. */
export function useInput(next: UserInput | undefined): void {
  scripted = next;
}
