/**
 * An error's localised text: a template per code (l10n/errors.<lang>.json) with `{name}`
 * placeholders filled from the error's params. Shared by the extension and the command line; a
 * surface shows the core's English message when there is no template or it lacks a param.
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

/** An error's text from `templates` (by its code), or its English message when there is none or it needs a param the error lacks. */
export function templatedMessage(templates: Readonly<Record<string, string>> | undefined, error: { code: string; message: string; params: ErrorParams }): string {
  const template = templates?.[error.code];
  return (template && fillTemplate(template, error.params)) || error.message;
}
