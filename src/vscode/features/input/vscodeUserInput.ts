/**
 * The production UserInput: Quick Picks and Input Boxes that survive focus loss, with Back. Each
 * one shown is logged by its title (never its value): the log then says which step a user was
 * on, and `npm run bench` reads a command's response time from it.
 */
import * as vscode from 'vscode';
import { CancelledError, type Logger } from '../../../core/service';
import { AlternativeChosenError, GoBackError, type InputOptions, type PickItem, type PickManyOptions, type PickOptions, type StepInfo, type UserInput } from './userInput';

const stepTitle = (title: string, step?: StepInfo) => (step ? vscode.l10n.t('{0} (step {1} of {2})', title, step.step, step.total) : title);

/** Settles once with the user's answer, Back or Cancel, and disposes the Quick Input. */
function settle<T>(log: Logger, qi: vscode.QuickInput, wire: (done: (r: { value: T } | { error: Error }) => void) => vscode.Disposable[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let finished = false;
    const disposables: vscode.Disposable[] = [];
    const done = (r: { value: T } | { error: Error }) => {
      if (finished) return;
      finished = true;
      for (const d of disposables) d.dispose();
      qi.dispose();
      if ('value' in r) resolve(r.value);
      else reject(r.error);
    };
    disposables.push(...wire(done), qi.onDidHide(() => done({ error: new CancelledError() })));
    qi.show();
    log.info(`Showing "${qi.title}"`);
  });
}

export const vscodeUserInput = (log: Logger): UserInput => ({
  pick<T>(options: PickOptions<T>): Promise<PickItem<T>> {
    const qp = vscode.window.createQuickPick<PickItem<T>>();
    qp.title = stepTitle(options.title, options.step);
    qp.placeholder = options.placeholder;
    qp.items = options.items;
    qp.ignoreFocusOut = true;
    qp.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
    const active = options.items.find((i) => i.data === options.active);
    if (active) qp.activeItems = [active];
    return settle(log, qp, (done) => [
      qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done({ error: new GoBackError() })),
      qp.onDidAccept(() => {
        const picked = qp.selectedItems[0] ?? qp.activeItems[0];
        if (picked) done({ value: picked });
      }),
    ]);
  },

  pickMany<T>(options: PickManyOptions<T>): Promise<PickItem<T>[]> {
    const qp = vscode.window.createQuickPick<PickItem<T>>();
    qp.title = stepTitle(options.title, options.step);
    qp.placeholder = options.placeholder;
    qp.canSelectMany = true;
    qp.items = options.items;
    qp.selectedItems = options.items.filter((i) => options.selected?.includes(i.data));
    qp.ignoreFocusOut = true;
    qp.buttons = options.back ? [vscode.QuickInputButtons.Back] : [];
    return settle(log, qp, (done) => [
      qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && done({ error: new GoBackError() })),
      qp.onDidAccept(() => done({ value: [...qp.selectedItems] })),
    ]);
  },

  input(options: InputOptions): Promise<string> {
    const box = vscode.window.createInputBox();
    box.title = stepTitle(options.title, options.step);
    box.prompt = options.prompt;
    box.value = options.value ?? '';
    box.placeholder = options.placeholder;
    box.password = options.password ?? false;
    box.ignoreFocusOut = true;
    box.validationMessage = options.initialMessage;
    const browse: vscode.QuickInputButton | undefined = options.browse && { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: options.browse.tooltip };
    const alternative: vscode.QuickInputButton | undefined = options.alternative && { iconPath: new vscode.ThemeIcon(options.alternative.icon), tooltip: options.alternative.tooltip };
    box.buttons = [...(options.back ? [vscode.QuickInputButtons.Back] : []), ...(browse ? [browse] : []), ...(alternative ? [alternative] : [])];
    // Each keystroke starts a validation; only the latest one may set the message.
    let generation = 0;
    let pending: Promise<string | undefined> = Promise.resolve(options.initialMessage);
    const validate = (value: string) => {
      const mine = ++generation;
      box.validationMessage = undefined;
      pending = Promise.resolve(options.validate?.(value)).then((message) => {
        if (mine === generation) box.validationMessage = message;
        return message;
      });
      return pending;
    };
    let typed = false;
    const suggested = options.suggestedValue?.then(
      (value) => {
        if (value && !typed && !box.value) {
          box.value = value;
          void validate(value);
        }
      },
      () => undefined, // no suggestion: the box stays as it is
    );
    if (suggested) {
      box.busy = true;
      void suggested.finally(() => (box.busy = false));
    }
    return settle(log, box, (done) => [
      box.onDidChangeValue((v) => {
        typed = true;
        void validate(v);
      }),
      box.onDidTriggerButton(async (b) => {
        if (b === vscode.QuickInputButtons.Back) return done({ error: new GoBackError() });
        if (b === alternative) return done({ error: new AlternativeChosenError() });
        const value = await options.browse?.run();
        if (value !== undefined) {
          box.value = value;
          void validate(value);
        }
      }),
      box.onDidAccept(async () => {
        await suggested;
        box.busy = true;
        const value = box.value;
        const message = await validate(value);
        box.busy = false;
        if (!message && value === box.value) done({ value });
      }),
    ]);
  },

  async openFile(options) {
    return (await vscode.window.showOpenDialog(options))?.[0]?.fsPath;
  },

  async saveFile(options) {
    return (await vscode.window.showSaveDialog(options))?.fsPath;
  },

  async confirm(message, detail, confirmLabel) {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel)) === confirmLabel;
  },

  message(kind, text, ...actions) {
    const show = kind === 'error' ? vscode.window.showErrorMessage : kind === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    return Promise.resolve(show(text, ...actions));
  },
});
