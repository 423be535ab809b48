/** Listing what a test left on disk, for "nothing changed" and leak checks. */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Every regular file under `dir`, recursively; none for a folder that does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? filesUnder(full) : Promise.resolve(e.isFile() ? [full] : []);
    }),
  );
  return nested.flat();
}
