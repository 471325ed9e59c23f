import type { PgBoss } from "pg-boss";
import type { CacheStats, QueueDepth } from "./gateway-metrics.js";

/**
 * Queue depths from pg-boss's queue table (getQueues: one select over every queue, counts kept by
 * pg-boss's monitor), never a count over the job table at scrape time.
 */
export function queueDepthsOf(boss: PgBoss, queues: readonly string[]): () => Promise<QueueDepth[]> {
  return async () => {
    const rows = await boss.getQueues([...queues]);
    return rows.map((q) => ({
      queue: q.name,
      queued: q.queuedCount,
      deferred: q.deferredCount,
      active: q.activeCount,
      failed: q.failedCount,
    }));
  };
}

interface Counted {
  readonly hits: number;
  readonly misses: number;
}

/** The caches' own counts, by cache name; a cache that is turned off (null) is left out. */
export function cacheStatsOf(caches: Record<string, (() => Counted) | null>): () => CacheStats[] {
  return () =>
    Object.entries(caches).flatMap(([cache, read]) => {
      if (!read) return [];
      const { hits, misses } = read();
      return [{ cache, hits, misses }];
    });
}
