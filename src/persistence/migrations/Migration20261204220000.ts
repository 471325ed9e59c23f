import { Migration } from "@mikro-orm/migrations";

/**
 * Change pages name each field once (persistence/stores/change-page.ts): a page becomes
 * { n: [names], c: [[action, bobId, email, [positions in n]]] } instead of an array of
 * { a, b, e, f: [names] }. Existing pages are rewritten in place, and back on the way down.
 */
export class Migration20261204220000 extends Migration {
  override name = "Migration20261204220000";

  override up(): void | Promise<void> {
    this.addSql(`update "sync_change_page" p set "changes" = (
      with ch as (
        select e.c, e.ord from jsonb_array_elements(p."changes"::jsonb) with ordinality as e(c, ord)
      ), names as (
        select f.name, (row_number() over (order by f.name)) - 1 as pos
        from (select distinct n.name from ch, jsonb_array_elements_text(ch.c->'f') as n(name)) as f
      )
      select jsonb_build_object(
        'n', coalesce((select jsonb_agg(names.name order by names.pos) from names), '[]'::jsonb),
        'c', coalesce((select jsonb_agg(jsonb_build_array(ch.c->'a', ch.c->'b', ch.c->'e',
               (select coalesce(jsonb_agg(names.pos order by f.ord), '[]'::jsonb)
                from jsonb_array_elements_text(ch.c->'f') with ordinality as f(name, ord) join names on names.name = f.name))
             order by ch.ord) from ch), '[]'::jsonb))::text
    ) where jsonb_typeof(p."changes"::jsonb) = 'array';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`update "sync_change_page" p set "changes" = (
      select coalesce(jsonb_agg(jsonb_build_object('a', e.c->0, 'b', e.c->1, 'e', e.c->2,
               'f', (select coalesce(jsonb_agg(j.page->'n'->(f.pos::int) order by f.ord), '[]'::jsonb)
                     from jsonb_array_elements_text(e.c->3) with ordinality as f(pos, ord)))
             order by e.ord), '[]'::jsonb)::text
      from (select p."changes"::jsonb as page) as j, jsonb_array_elements(j.page->'c') with ordinality as e(c, ord)
    ) where jsonb_typeof(p."changes"::jsonb) = 'object';`);
  }
}
