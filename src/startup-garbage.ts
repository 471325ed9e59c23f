import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type Collect = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/**
 * Gives back the garbage of starting up (compiling modules, the schema, the migrations check):
 * ~15-20 MB of resident memory that V8's memory reducer returns only after 15-20 s of idling,
 * at once instead (BENCHMARKS.md, "Embedded footprint"). One memory-reducing full collection,
 * ~50-100 ms, run once by the process entry after the gateway listens. `gc` is exposed to a
 * fresh context only, for this one call: the application's own context never sees it.
 */
export function releaseStartupGarbage(): void {
  setFlagsFromString("--expose-gc");
  let collect: Collect;
  try {
    collect = runInNewContext("gc") as Collect;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
  collect({ type: "major", execution: "sync", flavor: "last-resort" });
}
