import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every file under `dir` with its size and modification time (empty when there is no such folder): equal
 * listings before and after a test mean the test wrote nothing there.
 */
export async function listingOf(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = await Promise.all(
    names.map(async (name) => {
      const info = await stat(path.join(dir, name));
      return `${name} ${info.size} ${info.mtimeMs}`;
    }),
  );
  return lines.sort();
}
