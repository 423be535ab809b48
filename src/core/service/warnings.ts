/**
 * Every warning the core gives (a plan's, a passphrase check's, a registration's): a code with
 * params and no message of its own, shown by each surface in its language; a warning never
 * refuses by itself. The VS Code adapter's text record (features/errors/warnings.ts) is keyed by
 * this union, so the compiler asks for a text for each new code.
 */
import type { ErrorParams } from '../errors';
import { SetupWarningCode } from './warningCodes';

export { SetupWarningCode };

export interface SetupWarning<C extends SetupWarningCode = SetupWarningCode> {
  code: C;
  params: ErrorParams;
}
