/**
 * What a fleet costs the simulator: `node [--expose-gc] dist/simulator/fleet-footprint.js
 * [--companies 2000] [--generate] [--max-generated-people N]`. Starts one simulator hosting the
 * fleet mix and prints the start-up time and memory; --generate then reads every company once
 * through /v1 (as a full fleet sync would, so the budget applies) and prints the time and memory
 * again, then times one people search per size band.
 */
import { fleetMix, startBobSimulator } from "./index.js";

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function memory(): string {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return `rss ${mb(m.rss)}, heap used ${mb(m.heapUsed)}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string): number | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  const companies = flag("--companies") ?? 2000;
  const maxGeneratedPeople = flag("--max-generated-people");
  const mix = fleetMix({ companies });
  const people = mix.reduce((n, c) => n + c.employees, 0);
  process.stdout.write(`before start: ${memory()}\n`);
  const t0 = performance.now();
  const sim = await startBobSimulator({
    today: "2026-01-15",
    companies: mix,
    ...(maxGeneratedPeople === undefined ? {} : { maxGeneratedPeople }),
  });
  const started = performance.now() - t0;
  process.stdout.write(
    `started ${sim.companies.length - 1} companies (${people} people) + the default in ${started.toFixed(0)} ms; ${memory()}\n`,
  );
  if (args.includes("--generate")) {
    const t1 = performance.now();
    for (const c of sim.companies) {
      const res = await fetch(`${sim.baseUrl}/company/people/fields`, {
        headers: { authorization: c.credentials.accessToken },
      });
      await res.arrayBuffer();
    }
    const resident = sim.companies.filter((c) => c.generated).length;
    process.stdout.write(
      `read all in ${(performance.now() - t1).toFixed(0)} ms (${resident} companies resident); ${memory()}\n`,
    );
    for (const size of [...new Set(mix.map((c) => c.employees))].sort((a, b) => b - a).slice(0, 3)) {
      // companies[0] is the default company; the mix follows in order.
      const c = sim.companies[mix.findIndex((x) => x.employees === size) + 1]!;
      const t2 = performance.now();
      const res = await fetch(`${sim.baseUrl}/people/search`, {
        method: "POST",
        headers: { authorization: c.credentials.accessToken, "content-type": "application/json" },
        body: JSON.stringify({ showInactive: true }),
      });
      const body = (await res.json()) as { employees: unknown[] };
      process.stdout.write(
        `search of a ${size}-person company: ${body.employees.length} people in ${(performance.now() - t2).toFixed(0)} ms\n`,
      );
    }
  }
  await sim.close();
}

void main();
