/**
 * An error's localised text: a template per code (l10n/errors.<lang>.json) with `{name}`
 * placeholders filled from the error's params. Shared by the extension and the command line; a
 * surface shows the core's English message when this gives undefined.
 */
import type { ErrorParams } from '../errors';

/** Fills `{name}` placeholders from the error's params; undefined when one has no value. */
export function fillTemplate(template: string, params: ErrorParams): string | undefined {
  let missing = false;
  const text = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) missing = true;
    return String(value);
  });
  return missing ? undefined : text;
}
