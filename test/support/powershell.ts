/**
 * PowerShell as tree-sitter-powershell parses it (the grammar's .wasm through web-tree-sitter: no
 * native build), for the syntax, hostile-value, secret and command-line checks (every MARS
 * script: ./marsScripts.ts). Nothing here runs PowerShell: none is available.
 */
import path from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

function powershellParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const wasm = path.join(path.dirname(require.resolve('tree-sitter-powershell/package.json')), 'tree-sitter-powershell.wasm');
    const language = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(language);
    return p;
  })();
  return parser;
}

export interface ParsedScript {
  /** Each ERROR or MISSING node, with its position: empty when the script parses. */
  problems: string[];
  /** Every single-quoted literal, as PowerShell reads its value. */
  literals: string[];
  /** Every command called, with the parameters it is given by name (without the dash). */
  commands: Array<{ name: string; parameters: string[] }>;
}

/** PowerShell's single quotes: the ASCII one and U+2018..U+201B all open, close and double. */
const QUOTE = /['\u2018\u2019\u201A\u201B]/;

/**
 * The value of a single-quoted literal as PowerShell reads it. The grammar knows only the ASCII
 * quote, so the typographic ones are checked here: inside the quotes each must be doubled
 * (PowerShell would end the string at a lone one); throws when one is not.
 */
export function verbatimValue(literal: string): string {
  let value = '';
  const body = literal.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (QUOTE.test(c)) {
      if (!QUOTE.test(body[i + 1] ?? '')) throw new Error(`A lone quote ${JSON.stringify(c)} would end ${JSON.stringify(literal)}`);
      i++;
    }
    value += c;
  }
  return value;
}

export async function parsePowerShell(text: string): Promise<ParsedScript> {
  const tree = (await powershellParser()).parse(text);
  if (!tree) throw new Error('tree-sitter gave no tree');
  const problems: string[] = [];
  const literals: string[] = [];
  const commands: ParsedScript['commands'] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) problems.push(`${node.isMissing ? 'MISSING' : 'ERROR'} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}: ${JSON.stringify(node.text.slice(0, 60))}`);
    if (node.type === 'verbatim_string_characters') literals.push(verbatimValue(node.text));
    if (node.type === 'command') {
      const name = node.children.find((c) => c?.type === 'command_name')?.text ?? '';
      const elements = node.children.find((c) => c?.type === 'command_elements');
      const parameters = (elements?.children ?? []).filter((c) => c?.type === 'command_parameter').map((c) => c!.text.replace(/^-/, '').replace(/:$/, ''));
      commands.push({ name, parameters });
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  tree.delete();
  return { problems, literals, commands };
}

