// Reads the texts the extension localises, for the l10n tests.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

export const readJson = (relative: string): Record<string, string> => JSON.parse(readFileSync(path.join(ROOT, relative), 'utf8'));

/** The first argument of every vscode.l10n.t call in `files` (string literals only). */
export function l10nCalls(files: string[]): Set<string> {
  const texts = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/l10n\.t\(\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)")/g)) {
      texts.add((m[1] ?? m[2]!).replace(/\\(.)/g, '$1'));
    }
  }
  return texts;
}

/** `{0}`, `{name}`: the placeholders of a text, sorted. */
export const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
