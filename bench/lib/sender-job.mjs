// Running a sender child process (webhook-sender.mjs, paced-sender.mjs) on a job file.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup } from "./common.mjs";

/** Writes `job` to a temporary file, runs `node script <file>`, and resolves to the JSON line it prints. */
export function runSenderJob(script, job) {
  const dir = mkdtempSync(join(tmpdir(), "bench-sender-"));
  const file = join(dir, "job.json");
  writeFileSync(file, JSON.stringify(job));
  const child = spawn(process.execPath, [script, file], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return exited.then(async (code) => {
    await kill();
    if (code !== 0) throw new Error(`${script} exited ${code}`);
    return JSON.parse(out);
  });
}
