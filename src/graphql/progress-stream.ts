import type { ProgressBus } from "../domain/ports/progress-bus.js";
import { progressOf, type SyncProgressEvent, type SyncRunRecord } from "../domain/runs/sync-run.js";

const TERMINAL_PHASE = "DONE";

/**
 * The syncProgress stream of one subscriber: the current state of the run(s) first, then live
 * events. Listening starts before the current state is read, so nothing falls in between; a
 * stream for one run ends after that run's DONE event.
 */
export async function* progressStream(options: {
  bus: ProgressBus;
  companyId: string;
  runId: string | null;
  current: () => Promise<SyncRunRecord[]>;
  signal?: AbortSignal;
}): AsyncGenerator<SyncProgressEvent> {
  const buffered: SyncProgressEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = options.bus.subscribe(options.companyId, (event) => {
    if (options.runId && event.runId !== options.runId) return;
    buffered.push(event);
    wake?.();
  });
  try {
    for (const run of await options.current()) {
      const event = progressOf(run);
      yield event;
      if (options.runId && event.phase === TERMINAL_PHASE && event.status !== "HELD") return;
    }
    for (;;) {
      while (buffered.length > 0) {
        const event = buffered.shift() as SyncProgressEvent;
        yield event;
        if (options.runId && event.phase === TERMINAL_PHASE) return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    unsubscribe();
  }
}
