/** Typed or pasted hosts, as the prompt asks for them: separated by commas or spaces (newlines too). */
export function splitHostList(text: string): string[] {
  // Blanks and repeats dropped; a host text never holds a space or a comma.
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
