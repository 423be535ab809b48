/**
 * Errors shown by code: the core's message is the English text; other languages take a template
 * per code from l10n/errors.<lang>.json, with {param} placeholders filled from the error's params.
 * A template whose placeholders the error lacks falls back to the core's message.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { templatedMessage, type ErrorParams } from '../../../core/service';

export interface ShownError {
  code: string;
  message: string;
  params: ErrorParams;
}

let templates: Record<string, string> | undefined;

function templatesFor(extensionPath: string): Record<string, string> {
  const language = vscode.env.language.split('-')[0]!;
  if (language === 'en') return {};
  try {
    return JSON.parse(readFileSync(path.join(extensionPath, 'l10n', `errors.${language}.json`), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export function localiseError(err: ShownError, extensionPath: string): string {
  templates ??= templatesFor(extensionPath);
  return templatedMessage(templates, err);
}
