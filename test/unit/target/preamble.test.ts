import assert from 'node:assert/strict';
import { PID_MARKER, PreambleReader } from '../../../src/core/target/preamble';
import { MAX_OUTPUT_BYTES } from '../../../src/core/target/target';

describe('PreambleReader', () => {
  const feed = (reader: PreambleReader, ...pieces: string[]) => pieces.map((p) => reader.read(Buffer.from(p)).toString()).join('');

  it("takes the marked line off stderr, whatever the startup files wrote before it, in pieces cut anywhere", () => {
    const stderr = `stty: 'standard input': Inappropriate ioctl for device\nno newline${PID_MARKER}4242\r\ncommand's own\n`;
    for (let cut = 0; cut <= stderr.length; cut++) {
      const reader = new PreambleReader();
      assert.equal(feed(reader, stderr.slice(0, cut), stderr.slice(cut)), "command's own\n", `cut at ${cut}`);
      assert.equal(reader.pid, '4242');
      assert.equal(reader.pending, false);
    }
  });

  it('holds at most as much as a command may output while it waits for the line, and still finds it after', () => {
    const reader = new PreambleReader();
    const noise = Buffer.alloc(1024 * 1024, 'x');
    for (let i = 0; i < MAX_OUTPUT_BYTES / noise.length + 2; i++) assert.equal(reader.read(noise).length, 0);
    assert.equal(feed(reader, `${PID_MARKER}7\nown`), 'own');
    assert.equal(reader.pid, '7');
    const unmarked = new PreambleReader();
    for (let i = 0; i < MAX_OUTPUT_BYTES / noise.length + 2; i++) unmarked.read(noise);
    assert.equal(unmarked.drain().length, MAX_OUTPUT_BYTES);
  });

  it('gives everything back when the line never came (a shell that failed before it)', () => {
    const reader = new PreambleReader();
    assert.equal(feed(reader, 'bash: /nonexistent: No such file or directory\n'), '');
    assert.equal(reader.pending, true);
    assert.equal(reader.drain().toString(), 'bash: /nonexistent: No such file or directory\n');
    assert.equal(reader.pid, undefined);
  });
});
