/** Rewrites schema/schema.graphql from the code (npm run schema:emit). */
import "reflect-metadata";
import { writeFile } from "node:fs/promises";
import { buildGatewaySchema, printSortedSchema } from "../graphql/schema.js";

const sdl = printSortedSchema(await buildGatewaySchema());
await writeFile("schema/schema.graphql", sdl);
console.log(`schema/schema.graphql written (${sdl.split("\n").length} lines).`);
