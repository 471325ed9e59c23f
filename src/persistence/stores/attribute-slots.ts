import type { Database } from "../database.js";

/** Pairs kept before the maps start over (an attribute pair is ~150 bytes of heap). */
const MAX_KEPT = 200_000;

/**
 * Stored employee rows key their attribute values by the attribute's `slot`, a number from one
 * sequence for all companies (migration Migration20261204230000), not by its 36-character id:
 * the keys were 80% of a row's attributes and the bulk insert's cost follows the bytes. The
 * domain sees ids only; this translates at the store's edge.
 *
 * An attribute's slot never changes and a slot is never given to another attribute (identity
 * column, attributes are never deleted), so a pair once read stays true in every process, also
 * after its company is deleted and created again (the new attributes get new ids and slots):
 * kept without any invalidation, read from the database only when one is missing.
 */
export class AttributeSlots {
  private readonly slotById = new Map<string, string>();
  private readonly idBySlot = new Map<string, string>();

  constructor(private readonly db: Database) {}

  /** The stored form of `attributes` (ids -> slots); `ensureIds` must have seen every id. */
  encode(attributes: Readonly<Record<string, string>>): Record<string, string> {
    const stored: Record<string, string> = {};
    for (const id in attributes) {
      const slot = this.slotById.get(id);
      if (slot === undefined) throw new Error(`attribute ${id} has no slot`);
      stored[slot] = attributes[id]!;
    }
    return stored;
  }

  /** The domain form of stored attributes (slots -> ids); `ensureSlots` must have seen every slot. */
  decode(stored: Readonly<Record<string, string>>): Record<string, string> {
    const attributes: Record<string, string> = {};
    for (const slot in stored) {
      // A slot with no attribute cannot be stored (ids come from the attribute table); were
      // one there, its value would belong to nothing a reader can name.
      const id = this.idBySlot.get(slot);
      if (id !== undefined) attributes[id] = stored[slot]!;
    }
    return attributes;
  }

  /** Reads the slots of the ids among `records`' attributes this process has not seen yet. */
  async ensureIds(attributeMaps: Iterable<Readonly<Record<string, string>>>): Promise<void> {
    const missing = new Set<string>();
    for (const attributes of attributeMaps) for (const id in attributes) if (!this.slotById.has(id)) missing.add(id);
    if (missing.size === 0) return;
    const rows = await this.db.query<{ id: string; slot: string | number }>(
      null,
      `select id, slot from attribute where id = any($1::uuid[])`,
      [[...missing].filter(isUuid)],
    );
    this.keep(rows);
    for (const id of missing) if (!this.slotById.has(id)) throw new Error(`attribute ${id} does not exist`);
  }

  /** Reads the attributes of the slots among `stored` this process has not seen yet. */
  async ensureSlots(storedMaps: Iterable<Readonly<Record<string, string>>>): Promise<void> {
    const missing = new Set<string>();
    for (const stored of storedMaps) for (const slot in stored) if (!this.idBySlot.has(slot)) missing.add(slot);
    if (missing.size === 0) return;
    const slots = [...missing].filter((s) => /^\d{1,18}$/.test(s));
    if (slots.length === 0) return;
    this.keep(
      await this.db.query<{ id: string; slot: string | number }>(
        null,
        `select id, slot from attribute where slot = any($1::bigint[])`,
        [slots],
      ),
    );
  }

  private keep(rows: readonly { id: string; slot: string | number }[]): void {
    if (this.slotById.size + rows.length > MAX_KEPT) {
      this.slotById.clear();
      this.idBySlot.clear();
    }
    for (const row of rows) {
      const slot = String(row.slot);
      this.slotById.set(row.id, slot);
      this.idBySlot.set(slot, row.id);
    }
  }
}

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
