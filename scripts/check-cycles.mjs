// Fails when value imports among src/ (and the fuzzer's fuzz/) form a cycle. Type-only imports (`import type`, or every
// named binding marked `type`) are erased at build time and do not count; nor do dynamic import()s,
// which load on demand. Part of the static test layer.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIRS = ['src', 'fuzz'].map((d) => path.join(ROOT, d));

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolve(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
}

/** The files `file` imports for their values. */
function valueImports(file) {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const out = [];
  for (const node of source.statements) {
    let specifier;
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly = clause && (clause.isTypeOnly || (!clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specifier = node.moduleSpecifier.text;
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      const typeOnly = node.isTypeOnly || (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specifier = node.moduleSpecifier.text;
    }
    const target = specifier && resolve(file, specifier);
    if (target) out.push(target);
  }
  return out;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(graph) {
  let index = 0;
  const indices = new Map(), low = new Map(), onStack = new Set(), stack = [], found = [];
  function visit(v) {
    indices.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indices.get(w)));
    }
    if (low.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  }
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

const graph = new Map(DIRS.flatMap(sourceFiles).map((f) => [f, valueImports(f)]));
const found = cycles(graph);
for (const component of found) {
  console.error(`import cycle among ${component.length} files:\n  ${component.map((f) => path.relative(ROOT, f)).sort().join('\n  ')}`);
}
console.log(`check-cycles: ${graph.size} files, ${found.length} value-import cycle(s)`);
process.exit(found.length ? 1 : 0);
