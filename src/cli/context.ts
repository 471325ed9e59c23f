/** What every command receives from the dispatcher. */
import type { GatewayClient } from "./client.js";
import type { ProgressOutput } from "./progress-bar.js";

export interface CliFlags {
  readonly json: boolean;
  readonly "access-token"?: string;
  readonly "service-user-id"?: string;
  readonly "dry-run": boolean;
  readonly wait: boolean;
  readonly lifecycle?: string;
  readonly limit?: number;
  /** survey: the date and the attribute to group by. */
  readonly on?: string;
  readonly by?: string;
}

export interface CommandContext {
  readonly client: GatewayClient;
  readonly flags: CliFlags;
  /** Positional arguments after the command name. */
  readonly args: readonly string[];
  /** A line (or block) on stdout. */
  out(text: string): void;
  /** A line on stderr (hints, warnings). */
  err(text: string): void;
  /** Where the progress bar draws (stderr: stdout stays clean for --json). */
  readonly progress: ProgressOutput;
}

/** Prints the GraphQL data as JSON (--json) or the human rendering. */
export function emit(ctx: CommandContext, data: unknown, human: () => string): void {
  ctx.out(ctx.flags.json ? JSON.stringify(data, null, 2) : human());
}
