/** Parses the simulator CLI's flags (kept apart from main.ts so it can be tested). */
import { isIsoDate } from "./dates.js";
import { fleetMix } from "./fleet-mix.js";
import type { SimulatorOptions } from "./index.js";

export const USAGE =
  "Usage: bob-simulator [--employees N] [--port P] [--host H] [--seed S] [--today YYYY-MM-DD] [--people-search-per-minute N] [--fleet N] [--max-generated-people N]";

export function parseCliArgs(argv: readonly string[]): SimulatorOptions {
  const opts: SimulatorOptions = { port: 4010 };
  let fleet: number | undefined;
  const int = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0)
      throw new Error(`${flag} needs a non-negative integer\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? (arg.split("=", 2) as [string, string]) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "--employees":
        opts.employees = int(flag, value());
        break;
      case "--port":
        opts.port = int(flag, value());
        break;
      case "--seed":
        opts.seed = int(flag, value());
        break;
      case "--fleet":
        fleet = int(flag, value());
        break;
      case "--max-generated-people":
        opts.maxGeneratedPeople = int(flag, value());
        break;
      case "--people-search-per-minute":
        opts.peopleSearchPerMinute = int(flag, value());
        break;
      case "--host": {
        const v = value();
        if (!v) throw new Error(`--host needs a value\n${USAGE}`);
        opts.host = v;
        break;
      }
      case "--today": {
        const v = value();
        if (!isIsoDate(v)) throw new Error(`--today needs YYYY-MM-DD\n${USAGE}`);
        opts.today = v;
        break;
      }
      default:
        throw new Error(`Unknown argument ${arg}\n${USAGE}`);
    }
  }
  // After the loop: the mix follows --seed wherever it stands.
  if (fleet !== undefined) opts.companies = fleetMix({ companies: fleet, seed: opts.seed ?? 1 });
  return opts;
}
