/**
 * CLI: `npm run bob-simulator -- --employees 500 --port 4010`. Prints where the simulated Bob
 * listens and the credentials to paste into the gateway, then runs until SIGINT/SIGTERM.
 */
import { parseCliArgs } from "./cli-args.js";
import { startBobSimulator } from "./index.js";

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const sim = await startBobSimulator(opts);
  const { accessToken, serviceUser } = sim.credentials;
  process.stdout.write(
    [
      `Bob simulator listening (${sim.company.employees().length} employees, today ${sim.company.today()})`,
      `  Base URL:            ${sim.baseUrl}`,
      `  Access token:        ${accessToken}`,
      `  Service user id:     ${serviceUser.id}`,
      `  Service user token:  ${serviceUser.token}`,
      `  Control API:         ${sim.controlUrl}  (GET ${sim.controlUrl}/info)`,
      ...(sim.companies.length > 1
        ? [`  Other companies:     ${sim.companies.length - 1}  (credentials: GET ${sim.controlUrl}/companies)`]
        : []),
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing Bob simulator\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

void main();
