import pg from "pg";
import type { Logger } from "../logger.js";

/** What one channel does with what the listener hears on it. */
export interface ChannelHandler {
  /** A notification's payload, parsed as JSON but not validated: the handler checks it. */
  notified(payload: unknown): void;
  /** The connection was lost and is listening again: whatever was sent meanwhile never arrives. */
  resumed?(): void;
}

/**
 * This process's one LISTEN connection to PostgreSQL, shared by every channel (sync progress,
 * webhook owner changes) so a replica holds one such backend, not one per channel. After losing
 * its connection (the database restarted, the backend was killed) it reconnects every 1 s until
 * it can, listens to every channel again, then tells each handler it `resumed`. Sending is not
 * its business: NOTIFYs go through the ordinary pool (`select pg_notify`).
 */
export class PostgresListener {
  private readonly channels = new Map<string, ChannelHandler>();
  private client: pg.Client | null = null;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly reconnectMs: number,
  ) {}

  /** `reconnectMs`: the pause between connection attempts after a loss (tests shorten it). */
  static async start(url: string, logger: Logger, options: { reconnectMs?: number } = {}): Promise<PostgresListener> {
    const listener = new PostgresListener(url, logger, options.reconnectMs ?? 1_000);
    await listener.connect();
    return listener;
  }

  /** Listens to `channel` from now on, again after every reconnect. */
  async listen(channel: string, handler: ChannelHandler): Promise<void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    if (this.channels.has(channel)) throw new Error(`already listening to ${channel}`);
    this.channels.set(channel, handler);
    // While reconnecting there is no client: the reconnect listens to every channel.
    await this.client?.query(`listen ${channel}`);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: "bob-gateway-listener" });
    client.on("error", (error) => {
      // Before it is the live client, a failure rejects connect() below instead.
      if (client !== this.client) return;
      this.logger.warn({ err: error }, "LISTEN connection lost; reconnecting");
      this.scheduleReconnect();
    });
    client.on("notification", (message) => this.deliver(message.channel, message.payload));
    try {
      await client.connect();
      // A channel added while this runs is still visited: a Map's iteration sees later entries.
      for (const channel of this.channels.keys()) await client.query(`listen ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private deliver(channel: string, payload: string | undefined): void {
    const handler = this.channels.get(channel);
    if (!handler || payload === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      this.logger.warn({ channel }, "notification is not JSON; ignored");
      return;
    }
    // A failing handler must not take the connection (or the other channels) down with it.
    try {
      handler.notified(parsed);
    } catch (error) {
      this.logger.warn({ err: error, channel }, "notification handler failed");
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const old = this.client;
    this.client = null;
    void old?.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().then(
        () => this.resume(),
        () => this.scheduleReconnect(),
      );
    }, this.reconnectMs);
  }

  private resume(): void {
    if (this.closed) return;
    for (const [channel, handler] of this.channels) {
      try {
        handler.resumed?.();
      } catch (error) {
        this.logger.warn({ err: error, channel }, "resume handler failed");
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
