// Files a crash must never leave half-written (checkpoints, reports, cached images, the demo
// dataset): written under a temporary name in the same directory, optionally fsync'd, then renamed
// into place. A reader sees the old file or the new one. The temporary name ends in `.tmp`, which
// no image indexer or checkpoint reader takes for a real file.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** fsync before the rename: the bytes are on disk, not only in the page cache (checkpoints). */
  sync?: boolean;
  /** Called with the final path just before the rename (checkpoint.ts keeps the file it replaces). */
  beforeRename?: (path: string) => Promise<void>;
}

/** Writes `chunks` to `path` atomically; returns `path`. The temporary is removed on failure. */
export async function writeFileAtomic(
  path: string,
  chunks: Uint8Array | string | readonly (Uint8Array | string)[],
  o: AtomicWriteOptions = {},
): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    for (const c of typeof chunks === 'string' || chunks instanceof Uint8Array ? [chunks] : chunks)
      await fh.write(typeof c === 'string' ? Buffer.from(c, 'utf8') : c);
    if (o.sync) await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  }
  await o.beforeRename?.(path);
  await rename(tmp, path);
  return path;
}
