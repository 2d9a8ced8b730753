// The run's record of how each step's batch was cut, so that a resumed run cuts the steps it
// redoes exactly as the original did. Weighted shards follow measured speeds, and a different cut
// changes the float rounding of the reduction, so without this a resumed run would not end
// bit-identical. A checkpoint cannot carry these cuts: the ones a resume needs are those of the
// steps after it. One JSON line per step, appended before the step's commands go out, in the run
// directory beside the checkpoints; the last line for a step wins (a failed step recomputed with
// fewer workers). A torn last line (a crash mid-append) is ignored.
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.js';

export const SHARD_JOURNAL_FILE = 'shards.jsonl';

export interface JournalEntry {
  /** The Adam step the cut was for: 1 for the run's first. */
  step: number;
  sizes: number[];
}

export class ShardJournal {
  private constructor(
    readonly path: string,
    private readonly cuts: Map<number, number[]>,
  ) {}

  /**
   * A fresh run empties the journal; a resumed one keeps it and replays its cuts after the
   * checkpoint's step.
   */
  static async open(dir: string, resumed: boolean): Promise<ShardJournal> {
    const path = join(dir, SHARD_JOURNAL_FILE);
    const cuts = new Map<number, number[]>();
    if (!resumed) await writeFileAtomic(path, '');
    else for (const e of parseJournal(await readFile(path, 'utf8').catch(() => ''))) cuts.set(e.step, e.sizes);
    return new ShardJournal(path, cuts);
  }

  /** The cut the original run used for `step`, if it got that far. */
  cutFor(step: number): number[] | undefined {
    return this.cuts.get(step);
  }

  async record(step: number, sizes: readonly number[]): Promise<void> {
    const known = this.cuts.get(step);
    if (known && known.length === sizes.length && known.every((s, i) => s === sizes[i])) return;
    this.cuts.set(step, [...sizes]);
    await appendFile(this.path, `${JSON.stringify({ step, sizes })}\n`);
  }
}

/** The entries of a journal's text; lines that do not parse as one (a torn last line) are skipped. */
export function parseJournal(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const e = JSON.parse(line) as Partial<JournalEntry>;
      if (Number.isInteger(e.step) && Array.isArray(e.sizes) && e.sizes.every((s) => Number.isInteger(s) && s > 0)) out.push({ step: e.step!, sizes: e.sizes });
    } catch {
      // A torn line: the step it was for is cut afresh.
    }
  }
  return out;
}
