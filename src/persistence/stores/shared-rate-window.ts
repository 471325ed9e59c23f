import { randomUUID } from "node:crypto";
import type { Database } from "../database.js";

/**
 * The Bob rate-limit window on PostgreSQL, shared by every replica (the Bob client's
 * SharedRateWindow; wired by the composition root): one upsert per attempted call. The row of a
 * lane is locked only for that statement, never across the Bob call.
 */
export class SqlSharedRateWindow {
  constructor(private readonly db: Database) {}

  async take(
    key: string,
    limit: number,
    windowMs: number,
    now: number,
  ): Promise<{ readonly taken: true } | { readonly taken: false; readonly freeAt: number }> {
    const call = randomUUID();
    // Stamps are appended in time order, so the kept ones stay sorted. A call is counted when
    // fewer than `limit` stamps are newer than the window's start and no hold-off runs.
    const [row] = await this.db.query<{ taken: boolean; stamps: (string | number)[]; paused_until: string | number }>(
      null,
      `insert into bob_rate_lane as l (key, stamps, paused_until, taken_by) values ($1, array[$4::bigint], 0, $5::uuid)
       on conflict (key) do update set
         stamps = array(select s from unnest(l.stamps) s where s > $4::bigint - $3::bigint)
                  || case when l.paused_until <= $4::bigint and cardinality(array(select s from unnest(l.stamps) s where s > $4::bigint - $3::bigint)) < $2::int
                          then array[$4::bigint] else array[]::bigint[] end,
         taken_by = case when l.paused_until <= $4::bigint and cardinality(array(select s from unnest(l.stamps) s where s > $4::bigint - $3::bigint)) < $2::int
                         then $5::uuid else l.taken_by end
       returning taken_by = $5::uuid as taken, stamps, paused_until`,
      [key, limit, windowMs, now, call],
    );
    if (!row) throw new Error("bob_rate_lane: the upsert returned no row");
    if (row.taken) return { taken: true };
    const stamps = row.stamps.map(Number);
    const full = stamps.length >= limit ? (stamps[stamps.length - limit] as number) + windowMs : 0;
    return { taken: false, freeAt: Math.max(Number(row.paused_until), full) };
  }

  async holdOff(key: string, untilMs: number): Promise<void> {
    await this.db.query(
      null,
      `insert into bob_rate_lane as l (key, stamps, paused_until) values ($1, array[]::bigint[], $2::bigint)
       on conflict (key) do update set paused_until = greatest(l.paused_until, excluded.paused_until)`,
      [key, untilMs],
    );
  }
}
