/** The page's string table in the window's language: each English text through vscode.l10n.t. */
import * as vscode from 'vscode';
import { STRINGS, type StringKey, type StringTable } from '../../../webview/strings';

export function localisedStrings(): StringTable {
  const table = {} as StringTable;
  for (const key of Object.keys(STRINGS) as StringKey[]) table[key] = vscode.l10n.t(STRINGS[key]);
  return table;
}
