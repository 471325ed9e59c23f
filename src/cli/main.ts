#!/usr/bin/env node
/**
 * `npx bob-gateway <command>`: the command line for internal tools (see `bob-gateway --help`).
 * Dispatch lives in cli.ts; this entry only binds it to the process.
 */
import { runCli } from "./cli.js";

const write = (stream: NodeJS.WriteStream, text: string): Promise<void> =>
  new Promise((resolve) => {
    stream.write(text.endsWith("\n") ? text : `${text}\n`, () => resolve());
  });

const pending: Promise<void>[] = [];
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => void pending.push(write(process.stdout, text)),
  stderr: (text) => void pending.push(write(process.stderr, text)),
  progress: process.stderr,
});
await Promise.all(pending);
process.exit(code);
