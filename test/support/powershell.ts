/**
 * PowerShell as tree-sitter-powershell parses it (the grammar's .wasm through web-tree-sitter: no
 * native build), and every script the MARS code can generate, for the syntax, hostile-value,
 * secret and command-line checks. Nothing here runs PowerShell: none is available.
 */
import path from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { factsScript } from '../../src/core/agents/mars/scripts/facts';
import { installScript, uninstallScript } from '../../src/core/agents/mars/scripts/install';
import { passphraseScript } from '../../src/core/agents/mars/scripts/passphrase';
import { privateFileScript } from '../../src/core/agents/mars/scripts/privateFile';
import { proxyScript } from '../../src/core/agents/mars/scripts/proxy';
import { registerScript } from '../../src/core/agents/mars/scripts/register';
import { statusScript } from '../../src/core/agents/mars/scripts/status';
import type { PsScript } from '../../src/core/target/powershell/script';

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
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) problems.push(`${node.isMissing ? 'MISSING' : 'ERROR'} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}: ${JSON.stringify(node.text.slice(0, 60))}`);
    if (node.type === 'verbatim_string_characters') literals.push(verbatimValue(node.text));
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  tree.delete();
  return { problems, literals };
}

/** The values each script takes from its caller (the places a value enters a script). */
export interface ScriptValues {
  installer: string;
  installFolder: string;
  cacheFolder: string;
  credentialsFile: string;
  privateFile: string;
  proxyServer: string;
  proxyUsername: string;
}

export const BENIGN: ScriptValues = {
  installer: 'C:\\Windows\\Temp\\backup-agent-setup\\MARSAgentInstaller.exe',
  installFolder: 'C:\\Program Files\\Microsoft Azure Recovery Services Agent',
  cacheFolder: 'D:\\MARS\\Scratch',
  credentialsFile: 'C:\\Windows\\Temp\\backup-agent-setup\\lab1_Wed Jul 22 2020.VaultCredentials',
  privateFile: 'C:\\ProgramData\\BackupAgentSetup\\proxy.secret',
  proxyServer: 'http://proxy.example.test',
  proxyUsername: 'CONTOSO\\backup',
};

/** Every script the MARS code makes from `values`, one per branch, named for the branch. */
export function allMarsScripts(v: ScriptValues = BENIGN): Array<{ name: string; script: PsScript }> {
  const scripts: Array<{ name: string; script: PsScript }> = [];
  for (const microsoftUpdate of [false, true]) {
    scripts.push({ name: `install${microsoftUpdate ? ' /m' : ''}`, script: installScript({ installer: v.installer, installFolder: v.installFolder, cacheFolder: v.cacheFolder, microsoftUpdate }) });
  }
  scripts.push({ name: 'uninstall', script: uninstallScript(v.installer) });
  scripts.push({ name: 'facts', script: factsScript(v.cacheFolder) });
  scripts.push({ name: 'register', script: registerScript(v.installFolder, v.credentialsFile) });
  for (const securityPin of [true, false]) {
    scripts.push({ name: `passphrase${securityPin ? ' with PIN' : ' without PIN'}`, script: passphraseScript(v.installFolder, { securityPin }) });
  }
  scripts.push({ name: 'no proxy', script: proxyScript(v.installFolder, { kind: 'none' }) });
  scripts.push({ name: 'proxy', script: proxyScript(v.installFolder, { kind: 'proxy', server: v.proxyServer, port: 3128, password: false }) });
  scripts.push({ name: 'proxy with user', script: proxyScript(v.installFolder, { kind: 'proxy', server: v.proxyServer, port: 3128, username: v.proxyUsername, password: false }) });
  scripts.push({ name: 'proxy with credentials', script: proxyScript(v.installFolder, { kind: 'proxy', server: v.proxyServer, port: 3128, username: v.proxyUsername, password: true }) });
  scripts.push({ name: 'status', script: statusScript(v.installFolder) });
  for (const replace of [false, true]) {
    scripts.push({ name: `private file${replace ? ' replacing' : ''}`, script: privateFileScript(v.privateFile, { replace }) });
  }
  return scripts;
}
