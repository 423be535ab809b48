/** Long operations under one cancellable notification, the service's stages shown as "(n/N) …". */
import * as vscode from 'vscode';
import { stageLabelOf } from '../../core/service';
import { isCancellation } from './session/checked';
import type { ProgressReporter } from './session/types';

/** A stage's label in the window's language; an unknown stage (an agent's own) by its name. */
export function stageLabel(stage: string): string {
  const english = stageLabelOf(stage);
  return english === undefined ? stage : vscode.l10n.t(english);
}

/**
 * Runs `work` with a reporter and an AbortSignal tied to the notification's Cancel button.
 * Resolves to undefined when cancelled: cancelling is silent.
 */
export async function withStages<T>(title: string, stages: readonly string[], work: (progress: ProgressReporter, signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (p, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    let last = -1;
    const reporter: ProgressReporter = {
      report(stage) {
        const index = stages.indexOf(stage);
        if (index < 0 || index === last) return;
        const increment = ((index - Math.max(last, 0)) / stages.length) * 100;
        last = index;
        p.report({ message: `(${index + 1}/${stages.length}) ${stageLabel(stage)}`, increment });
      },
    };
    try {
      const result = await work(reporter, controller.signal);
      return controller.signal.aborted ? undefined : result;
    } catch (err) {
      if (isCancellation(err) || controller.signal.aborted) return undefined;
      throw err;
    } finally {
      subscription.dispose();
    }
  });
}
