/**
 * Values that break a script when they are pasted into it rather than passed as one literal:
 * quotes (straight and typographic), PowerShell's `$()`, backtick and here-strings, cmd.exe's `%`
 * and `^`, separators, newlines, the empty string, non-ASCII and a long value. Every place a value
 * enters a generated script (the Windows shell's and the MARS agent's) goes through all of them.
 */
export const HOSTILE_VALUES: readonly string[] = [
  "'",
  "''",
  "it's",
  '$(Remove-Item -Recurse C:\\)',
  '`',
  '`$x`',
  ';',
  'a; Stop-Computer',
  '\n',
  'line1\r\nline2',
  '%PATH%',
  '%',
  '"',
  '"; calc; "',
  '\\"\\\\',
  'trailing\\',
  '',
  ' ',
  '\u2018\u2019\u201A\u201B',
  '\u201C\u201D',
  "@'\nhere\n'@",
  '$env:ComputerName',
  '& | > < # <# #> ^',
  'Ünïcödé 日本語 😀',
  'x'.repeat(10_000),
];
