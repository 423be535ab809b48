/**
 * What counts as a typed refusal of the core: a SetupError whose code the error catalogue lists
 * for the module's family. Anything else a call throws is an uncaught exception.
 */
import { isSetupError } from '../../src/core/errors';
import { ERROR_CATALOGUE } from '../../src/core/errorCatalogue';
import { ACCEPTED } from './loop';

type Family = keyof typeof ERROR_CATALOGUE;

/** ACCEPTED when `call` returns, the code of a SetupError of `families`; rethrows anything else. */
export function typedOutcome(families: readonly Family[], call: () => unknown): string {
  try {
    call();
    return ACCEPTED;
  } catch (err) {
    if (isSetupError(err) && families.some((f) => Object.hasOwn(ERROR_CATALOGUE[f], err.code))) return err.code;
    throw err;
  }
}
