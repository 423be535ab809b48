/**
 * What an esbuild-split ES-module bundle loads when: the relative imports in its minified text,
 * static (`import … from"…"`, `import"…"`) and dynamic (`import("…")`), and the files one file
 * reaches by static imports alone. Shared by the .vsix bench, the package test and the CLI's.
 */
import path from 'node:path';

/** The relative ES-module imports of a bundle file: the static ones and the dynamic ones. */
export function importsOf(text: string): { static: string[]; dynamic: string[] } {
  const dynamic = [...text.matchAll(/import\(\s*"(\.\.?\/[^"]+\.mjs)"\s*\)/g)].map((m) => m[1]!);
  const all = [...text.matchAll(/(?:from|import)\s*"(\.\.?\/[^"]+\.mjs)"/g)].map((m) => m[1]!);
  return { static: all, dynamic };
}

/** The files reached from `entry` by static imports alone (POSIX paths, as `read` names them). */
export function staticClosure(entry: string, read: (name: string) => string, into = new Set<string>()): Set<string> {
  if (into.has(entry)) return into;
  into.add(entry);
  for (const spec of importsOf(read(entry)).static) staticClosure(path.posix.join(path.posix.dirname(entry), spec), read, into);
  return into;
}
