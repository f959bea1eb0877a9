import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_NAME = 'kyc-orchestrator';

/**
 * The project's directory: the nearest folder above this file whose package.json is the project's (the
 * checkout, or `/app` in the image). The CLI reads its `.env` there and nowhere else: a `.env` left in
 * whatever directory an operator happens to run `kyc` in (a download folder, a shared /tmp) could point it
 * at another Temporal or hand it another key.
 */
export function projectDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && isProjectManifest(manifest)) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${from}`);
  }
}

function isProjectManifest(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}
