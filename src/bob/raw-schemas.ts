import { z } from "zod";

/**
 * Bob's raw JSON, validated at the boundary. Deliberately loose (unknown keys pass) because
 * Bob adds keys over time; strict only where we depend on a shape. These types never leave
 * src/bob.
 */

/** Bob's error body per its 2023 OpenAPI: `{key, error}` (exact strings unconfirmed). */
export const rawErrorBodySchema = z.looseObject({
  key: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});

/**
 * Bob employee ids are strings of 19 digits. A JSON number that large has already lost
 * precision when parsed, so only safe integers are accepted as numeric ids.
 */
export const rawEmployeeIdSchema = z.union([
  z.string().trim().min(1),
  z.number().int().nonnegative().refine(Number.isSafeInteger, "numeric id too large to read exactly"),
]);

/** One entry of GET /company/people/fields. */
export const rawFieldSchema = z
  .looseObject({
    id: z.string().trim().min(1),
    name: z.string(),
    type: z.string().trim().min(1),
    categoryId: z.string().trim().min(1).nullish(),
    category: z.string().trim().min(1).nullish(),
    categoryDisplayName: z.string().trim().min(1).nullish().catch(null),
    jsonPath: z.string().trim().min(1).nullish(),
    typeData: z.looseObject({ listId: z.union([z.string().trim().min(1), z.number()]).nullish() }).nullish(),
  })
  .refine((f) => Boolean(f.categoryId ?? f.category), { message: "has neither categoryId nor category" });

export const rawFieldsResponseSchema = z.array(z.unknown());

/** One named-list item; `children` are checked item by item when flattening. */
export const rawListItemSchema = z.looseObject({
  id: z.union([z.string().trim().min(1), z.number()]),
  name: z.string().nullish(),
  value: z.string().nullish(),
  archived: z.boolean().nullish(),
  children: z.array(z.unknown()).nullish(),
});

/** A list as `{name, items}`; some clients saw `values` instead of `items`. */
export const rawNamedListSchema = z.looseObject({
  name: z.string().trim().min(1).optional(),
  items: z.array(z.unknown()).optional(),
  values: z.array(z.unknown()).optional(),
});

export type RawField = z.infer<typeof rawFieldSchema>;
export type RawListItem = z.infer<typeof rawListItemSchema>;
