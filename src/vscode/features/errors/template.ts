import type { ErrorParams } from '../../../core/service';

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
