// V8's heap growing factor, set for every syncgrad process. After each full GC, V8 sets the next
// limit to the surviving heap times a factor it picks from the GC's speed, often near 1.1. A worker
// keeps a 25 MB JS heap (tfjs, the model, the modules). Each seed-scale step, it also allocates and
// drops ~300 MB of message buffers (its own, and nats.js's). With the default factor, that meant
// 107 full mark-compacts in 13 steps of `bench exchange` (N=2 fp32). perf put V8's marking and
// sweeping at about a third of each worker's CPU, on a 2-core machine where the exchange is
// CPU-bound. With 4× (300%): 40 mark-compacts, and the median step went from 0.54–0.62 s to
// 0.38–0.44 s. Peak RSS per worker moved from ~955 MB to ~985 MB. What is left is V8's
// external-memory trigger (every 64 MB of new ArrayBuffers), which no flag moves.
import { setFlagsFromString } from 'node:v8';

/** The heap grows to 4× what survived before the next full GC (V8's `--heap-growing-percent`). */
export const HEAP_GROWING_PERCENT = 300;

let applied = false;

/** The V8 flag to set, or undefined when the user set the factor on the command line or in NODE_OPTIONS, which wins. */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions: string): string | undefined {
  if (/--heap[-_]growing[-_]percent/.test(`${execArgv.join(' ')} ${nodeOptions}`)) return undefined;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Sets the growing factor once per process (main() calls it for every command); whether this call set it. */
export function tuneHeapGrowth(): boolean {
  if (applied) return false;
  applied = true;
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS ?? '');
  if (flag) setFlagsFromString(flag);
  return flag !== undefined;
}
