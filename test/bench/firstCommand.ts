/**
 * A command's response time as the extension host's log tells it: from the extension's
 * "Running <command>" line to its first "Showing <title>" line (a Quick Input shown), both
 * written by the extension's LogOutputChannel to its file under the host's logs folder.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

const LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \[info\] (.*)$/;

async function filesNamed(dir: string, name: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name === name).map((e) => path.join(e.parentPath, e.name));
}

/** The time between the two log lines, once both are in the channel's log file. */
async function readResponse(logsDir: string, channel: string, command: string, deadline: number): Promise<number> {
  for (;;) {
    for (const file of await filesNamed(logsDir, `${channel}.log`)) {
      const lines = (await fs.readFile(file, 'utf8')).split('\n').map((l) => LINE.exec(l)).filter((m) => m !== null);
      const ran = lines.findIndex((m) => m[2] === `Running ${command}`);
      const shown = ran >= 0 ? lines.slice(ran).find((m) => m[2]!.startsWith('Showing ')) : undefined;
      if (shown) return Date.parse(shown[1]!.replace(' ', 'T')) - Date.parse(lines[ran]![1]!.replace(' ', 'T'));
    }
    if (Date.now() > deadline) throw new Error(`no "Running ${command}" then "Showing …" in ${channel}.log under ${logsDir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `command`, reads its response time from the log, then closes its Quick Input. */
export async function firstResponseMs(logsDir: string, channel: string, command: string): Promise<number> {
  const running = vscode.commands.executeCommand(command);
  try {
    return await readResponse(logsDir, channel, command, Date.now() + 30_000);
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await running.then(undefined, () => undefined);
  }
}
