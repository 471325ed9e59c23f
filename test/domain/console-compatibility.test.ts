import { describe, expect, it } from "vitest";
import { COMPATIBLE_TYPES, FIXED_FIELD_IDS } from "../../src/console/field-compatibility.mjs";
import { ATTRIBUTE_TYPES } from "../../src/domain/attributes/attribute.js";
import { isCompatible, isKnownBobType } from "../../src/domain/mapping/field-compatibility.js";
import {
  LEGACY_GENDER_FIELD_ID,
  RESERVED_FIELD_REASONS,
  STANDARD_FIELD_KEYS,
} from "../../src/domain/mapping/standard-fields.js";

describe("the console's copy of the compatibility table", () => {
  it("offers exactly the attribute types the gateway accepts, for every Bob type", () => {
    for (const [bobType, types] of Object.entries(COMPATIBLE_TYPES)) {
      expect(isKnownBobType(bobType), bobType).toBe(true);
      for (const attributeType of ATTRIBUTE_TYPES)
        expect(types.includes(attributeType), `${bobType} -> ${attributeType}`).toBe(
          isCompatible(bobType, attributeType),
        );
    }
  });
});

describe("the console's copy of the fixed (not overridable) Bob fields", () => {
  it("is the standard and reserved field ids, and the older gender field", () => {
    const fixed = new Set([...STANDARD_FIELD_KEYS.keys(), ...RESERVED_FIELD_REASONS.keys(), LEGACY_GENDER_FIELD_ID]);
    expect(new Set(FIXED_FIELD_IDS)).toEqual(fixed);
  });
});
