// Finds images that appear more than once. A test image that is also in train inflates test
// accuracy (the net has memorised it), and scraped datasets are full of such copies under other
// names and formats. Comparing decoded pixels rather than file bytes catches re-encodings;
// near-duplicates (resized, recompressed lossy) are out of scope.
import { ImageDecodeError } from '../errors.js';
import type { DatasetIndex } from './dataset.js';
import { decodedPixelHash } from './decode.js';

export type SplitName = 'train' | 'val' | 'test';

export interface DuplicateGroup {
  hash: string;
  members: { split: SplitName; path: string }[];
}

export interface AuditReport {
  totalImages: number;
  unreadable: string[];
  /** Groups whose copies sit in two or more splits: leaks. */
  crossSplit: DuplicateGroup[];
  /** Groups of two or more copies, all in one split: wasted, and over-weighted in training. */
  withinSplit: DuplicateGroup[];
}

export interface AuditOptions {
  /** Images hashed at once. */
  concurrency?: number;
}

const SPLITS: SplitName[] = ['train', 'val', 'test'];

export async function auditDataset(index: DatasetIndex, options?: AuditOptions): Promise<AuditReport> {
  const concurrency = Math.max(1, Math.floor(options?.concurrency ?? 4));
  const items = SPLITS.flatMap((split) => index[split].map((s) => ({ split, path: s.path })));
  const hashes = new Array<string | null>(items.length).fill(null);
  const unreadable: string[] = [];

  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        hashes[i] = await decodedPixelHash(items[i]!.path);
      } catch (e) {
        if (!(e instanceof ImageDecodeError)) throw e;
        unreadable.push(items[i]!.path);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));

  const groups = new Map<string, DuplicateGroup>();
  items.forEach((item, i) => {
    const hash = hashes[i];
    if (hash == null) return;
    let g = groups.get(hash);
    if (!g) groups.set(hash, (g = { hash, members: [] }));
    g.members.push(item);
  });

  const crossSplit: DuplicateGroup[] = [];
  const withinSplit: DuplicateGroup[] = [];
  for (const g of groups.values()) {
    if (g.members.length < 2) continue;
    if (new Set(g.members.map((m) => m.split)).size > 1) crossSplit.push(g);
    else withinSplit.push(g);
  }
  // Items were listed train, val, test, each in index order, so groups and members come out in a
  // stable order; only `unreadable` depends on which worker finished first.
  unreadable.sort();
  return { totalImages: items.length, unreadable, crossSplit, withinSplit };
}

const MAX_LISTED = 20;

/** Lines for the terminal: a summary, then the groups (leaks first), capped so a badly duplicated dataset does not scroll for pages. */
export function formatAudit(report: AuditReport): string[] {
  const copies = (groups: DuplicateGroup[]) => groups.reduce((n, g) => n + g.members.length, 0);
  const lines: string[] = [];
  lines.push(`audited ${report.totalImages} images`);
  lines.push(
    report.unreadable.length === 0 ? 'unreadable: none' : `unreadable: ${report.unreadable.length}`,
  );
  for (const path of report.unreadable.slice(0, MAX_LISTED)) lines.push(`  ${path}`);
  if (report.unreadable.length > MAX_LISTED) lines.push(`  … and ${report.unreadable.length - MAX_LISTED} more`);

  const section = (title: string, groups: DuplicateGroup[], note: string) => {
    if (groups.length === 0) {
      lines.push(`${title}: none`);
      return;
    }
    const plural = groups.length === 1 ? 'group' : 'groups';
    lines.push(`${title}: ${groups.length} ${plural}, ${copies(groups)} images (${note})`);
    for (const g of groups.slice(0, MAX_LISTED)) {
      lines.push(`  ${g.hash.slice(0, 12)}:`);
      for (const m of g.members) lines.push(`    ${m.split.padEnd(5)} ${m.path}`);
    }
    if (groups.length > MAX_LISTED) lines.push(`  … and ${groups.length - MAX_LISTED} more groups`);
  };
  section('duplicates across splits', report.crossSplit, 'leak: test/val scores are inflated');
  section('duplicates within a split', report.withinSplit, 'the same image counted more than once');
  return lines;
}
