// tqdm-style progress: `Epoch 3/20:  3%|▍         | 45/1344 [00:12<05:40, 3.02batch/s, loss=0.0163]`.
// On a TTY it is a live cli-progress bar; without one (CI, pipes, log files) it prints the same text
// as plain lines at every 10% so logs stay readable.
import cliProgress from 'cli-progress';

/** Plain mode prints at each tenth of the bar. */
const PLAIN_STEPS = 10;
const BAR_WIDTH = 10;
const BLOCKS = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

export const PROGRESS_MODES = ['auto', 'bars', 'plain', 'none'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

export interface ProgressSink {
  /** Stream bars render to (tqdm uses stderr). */
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Plain line output. */
  line: (text: string) => void;
  mode: ProgressMode;
}

export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function bar(fraction: number): string {
  const f = Math.min(1, Math.max(0, fraction)) * BAR_WIDTH;
  const full = Math.floor(f);
  const part = Math.floor((f - full) * 8);
  return ('█'.repeat(full) + (full < BAR_WIDTH ? BLOCKS[part] : '')).padEnd(BAR_WIDTH, ' ');
}

export interface BarState {
  label: string;
  value: number;
  total: number;
  elapsedSeconds: number;
  unit: string;
  postfix?: string;
}

/** The tqdm line for a state; exported so tests and plain mode share one format. */
export function formatBar(s: BarState, withBar: boolean): string {
  const rate = s.elapsedSeconds > 0 ? s.value / s.elapsedSeconds : 0;
  const eta = rate > 0 ? (s.total - s.value) / rate : Number.NaN;
  const pct = s.total > 0 ? Math.floor((100 * s.value) / s.total) : 100;
  const head = withBar ? `${s.label}: ${String(pct).padStart(3)}%|${bar(s.total > 0 ? s.value / s.total : 1)}| ` : `${s.label}: `;
  const post = s.postfix ? `, ${s.postfix}` : '';
  return `${head}${s.value}/${s.total} [${formatClock(s.elapsedSeconds)}<${formatClock(eta)}, ${rate.toFixed(2)}${s.unit}/s${post}]`;
}

export class ProgressBar {
  private readonly sink: ProgressSink;
  private readonly label: string;
  private readonly total: number;
  private readonly unit: string;
  private readonly started = performance.now();
  private value = 0;
  private postfix = '';
  private lastPlainStep = -1;
  private live?: cliProgress.SingleBar;

  constructor(sink: ProgressSink, label: string, total: number, unit = 'batch') {
    this.sink = sink;
    this.label = label;
    this.total = total;
    this.unit = unit;
    if (this.mode() === 'bars') {
      this.live = new cliProgress.SingleBar({
        stream: sink.stream,
        format: () => formatBar(this.state(), true),
        hideCursor: true,
        clearOnComplete: false,
        fps: 10,
      });
      this.live.start(total, 0);
    }
  }

  private mode(): 'bars' | 'plain' | 'none' {
    const m = this.sink.mode;
    if (m === 'auto') return this.sink.stream.isTTY ? 'bars' : 'plain';
    return m;
  }

  private state(): BarState {
    const s: BarState = { label: this.label, value: this.value, total: this.total, elapsedSeconds: (performance.now() - this.started) / 1000, unit: this.unit };
    if (this.postfix) s.postfix = this.postfix;
    return s;
  }

  update(value: number, postfix?: string): void {
    this.value = value;
    if (postfix !== undefined) this.postfix = postfix;
    if (this.live) {
      this.live.update(value);
      return;
    }
    if (this.mode() !== 'plain') return;
    const step = this.total > 0 ? Math.floor((PLAIN_STEPS * value) / this.total) : PLAIN_STEPS;
    if (step > this.lastPlainStep && (step > 0 || value === this.total)) {
      this.lastPlainStep = step;
      this.sink.line(formatBar(this.state(), false));
    }
  }

  /** Ends the bar at its current value; idempotent. */
  stop(): void {
    if (this.live) {
      this.live.update(this.value);
      this.live.stop();
      this.live = undefined;
    }
  }
}
