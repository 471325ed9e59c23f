import type { MigrationObject } from "@mikro-orm/core";
import { Migration20261128121921 } from "./Migration20261128121921.js";
import { Migration20261128123529 } from "./Migration20261128123529.js";
import { Migration20261128130403 } from "./Migration20261128130403.js";
import { Migration20261128130813 } from "./Migration20261128130813.js";
import { Migration20261128153623 } from "./Migration20261128153623.js";
import { Migration20261128184323 } from "./Migration20261128184323.js";
import { Migration20261130144216 } from "./Migration20261130144216.js";
import { Migration20261204220000 } from "./Migration20261204220000.js";
import { Migration20261204230000 } from "./Migration20261204230000.js";
import { Migration20261206200000 } from "./Migration20261206200000.js";
import { Migration20261207100000 } from "./Migration20261207100000.js";
import { Migration20261207120000 } from "./Migration20261207120000.js";
import { Migration20261207110000 } from "./Migration20261207110000.js";
import { Migration20261207140000 } from "./Migration20261207140000.js";
import { Migration20261207130000 } from "./Migration20261207130000.js";
import { Migration20261207160000 } from "./Migration20261207160000.js";
import { Migration20261207150000 } from "./Migration20261207150000.js";
import { Migration20261207170000 } from "./Migration20261207170000.js";

/** Applied in this order; a new migration is appended, never edited once committed. */
export const MIGRATIONS: MigrationObject[] = [
  { name: "Migration20261128121921", class: Migration20261128121921 },
  { name: "Migration20261128123529", class: Migration20261128123529 },
  { name: "Migration20261128130403", class: Migration20261128130403 },
  { name: "Migration20261128130813", class: Migration20261128130813 },
  { name: "Migration20261128153623", class: Migration20261128153623 },
  { name: "Migration20261128184323", class: Migration20261128184323 },
  { name: "Migration20261130144216", class: Migration20261130144216 },
  { name: "Migration20261204220000", class: Migration20261204220000 },
  { name: "Migration20261204230000", class: Migration20261204230000 },
  { name: "Migration20261206200000", class: Migration20261206200000 },
  { name: "Migration20261207100000", class: Migration20261207100000 },
  { name: "Migration20261207120000", class: Migration20261207120000 },
  { name: "Migration20261207110000", class: Migration20261207110000 },
  { name: "Migration20261207130000", class: Migration20261207130000 },
  { name: "Migration20261207140000", class: Migration20261207140000 },
  { name: "Migration20261207160000", class: Migration20261207160000 },
  { name: "Migration20261207150000", class: Migration20261207150000 },
  { name: "Migration20261207170000", class: Migration20261207170000 },
];
