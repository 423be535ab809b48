// The README's quick start, read as the test's script: the two commands and the numbered steps
// with their bold labels, so a step that changes in the README changes what the test does.
import fs from 'node:fs';

/**
 * @typedef {object} Step
 * @property {number} number
 * @property {string} text    the step's whole text, one line
 * @property {string[][]} labels  the bold labels in order; alternatives ("**A** or **B**") share a slot
 */

/**
 * The "## Quick start" section of `readmeFile`: its commands, its numbered steps, and the command
 * a later `npm start` runs before the steps again.
 */
export function readQuickStart(readmeFile) {
  const readme = fs.readFileSync(readmeFile, 'utf8');
  const section = /^## Quick start\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error(`${readmeFile} has no "## Quick start" section`);
  const commands = /```sh\n([\s\S]*?)```/.exec(section)?.[1].trim().split('\n') ?? [];
  const steps = [];
  // A numbered item runs until the next one, a heading or a paragraph that is not indented.
  for (const m of section.matchAll(/^(\d+)\. ([\s\S]*?)(?=^\d+\. |^\S|(?![\s\S]))/gm)) {
    const text = m[2].replace(/!\[[^\]]*\]\([^)]*\)/g, '').replace(/\s+/g, ' ').trim();
    steps.push({ number: Number(m[1]), text, labels: boldLabels(text) });
  }
  // "A later `npm start`" says which command to run before the steps work again.
  const later = /^\*\*A later `npm start`\*\*([\s\S]*?)(?:\n\n|(?![\s\S]))/m.exec(section)?.[1] ?? '';
  const laterCommand = boldLabels(later.replace(/\s+/g, ' ')).flat().find((label) => label.startsWith('Backup Agent: '));
  return { commands, steps, laterCommand };
}

function boldLabels(text) {
  const slots = [];
  let previousEnd = -1;
  for (const m of text.matchAll(/\*\*([^*]+)\*\*/g)) {
    const between = previousEnd >= 0 ? text.slice(previousEnd, m.index) : '';
    if (previousEnd >= 0 && /^\s*or\s*$/.test(between)) slots.at(-1).push(m[1]);
    else slots.push([m[1]]);
    previousEnd = m.index + m[0].length;
  }
  return slots;
}
