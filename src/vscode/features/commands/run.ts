/** Shared shape of every command: a wizard, then work; refusals shown, cancellation silent. */
import { SetupError } from '../../../core/service';
import { showError, type FeatureContext } from '../context';
import { isCancellation } from '../session/checked';
import type { Checked } from '../session/types';
import { runWizard, type WizardStep } from '../wizard/wizard';

/** Runs the steps; false when the user cancelled (or a refusal was shown, with Retry). */
export async function ask<C>(f: FeatureContext, title: string, steps: WizardStep<C>[], ctx: C, retry: () => Promise<unknown>): Promise<boolean> {
  try {
    await runWizard(title, steps, ctx, f.ui());
    return true;
  } catch (err) {
    if (isCancellation(err)) return false;
    if (err instanceof SetupError) {
      await showError(f, err, retry);
      return false;
    }
    throw err;
  }
}

/** The value of a result; a refusal is shown with Retry, a cancellation (undefined) stays silent. */
export async function settled<T>(f: FeatureContext, result: Checked<T> | undefined, retry: () => Promise<unknown>): Promise<T | undefined> {
  if (!result) return undefined;
  if (result.ok) return result.value;
  await showError(f, result.error, retry);
  return undefined;
}
