/**
 * The window's user-input port: VS Code's, unless a test put its scripted user in place. Every
 * surface prompts through it, the webview's remote-server choice included.
 */
import type { UserInput } from './userInput';
import { vscodeUserInput } from './vscodeUserInput';

let current: UserInput = vscodeUserInput;

export const currentInput = (): UserInput => current;

/** Replaces the port; undefined restores VS Code's. */
export function useInput(next: UserInput | undefined): void {
  current = next ?? vscodeUserInput;
}
