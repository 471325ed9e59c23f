/**
 * The `sync --wait` progress display: processed/total with a bar while APPLYING, the phase
 * otherwise. On a terminal it redraws one line in place; elsewhere (pipes, CI logs) it writes a
 * line whenever what it shows changes.
 */
export interface ProgressState {
  readonly phase: string;
  readonly status: string;
  readonly processed: number;
  readonly total: number | null;
}

export interface ProgressOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const FILLED = "#";
const EMPTY = ".";

/** One line describing the state, e.g. "[##########..........]  50%  250/500  APPLYING". */
export function renderProgress(state: ProgressState, width = 30): string {
  const label = state.status === "HELD" ? "HELD" : state.phase;
  if (state.phase === "APPLYING" || (state.phase === "DONE" && state.total !== null && state.total > 0)) {
    const total = state.total ?? 0;
    const ratio = total > 0 ? Math.min(1, state.processed / total) : 1;
    const filled = Math.round(ratio * width);
    const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
    return `[${FILLED.repeat(filled)}${EMPTY.repeat(width - filled)}] ${percent}  ${state.processed}/${total}  ${label}`;
  }
  return `[${EMPTY.repeat(width)}]        ${label}${state.status === "FAILED" ? " (FAILED)" : ""}`;
}

export class ProgressBar {
  private lastLine = "";
  private drawn = false;

  constructor(private readonly out: ProgressOutput) {}

  update(state: ProgressState): void {
    const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - 40));
    const line = renderProgress(state, width);
    if (line === this.lastLine) return;
    this.lastLine = line;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Ends the in-place line so what follows starts on a fresh one. */
  done(): void {
    if (this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}
