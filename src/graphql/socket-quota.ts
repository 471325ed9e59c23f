/**
 * Open WebSockets per caller (company + subject): one caller cannot hold every socket of the
 * process. Counted when a socket is authenticated, released when it closes.
 */
export class SocketQuota {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerCaller: number) {}

  /** Takes one place for the caller; false when the caller already holds maxPerCaller. */
  tryTake(key: string): boolean {
    const held = this.open.get(key) ?? 0;
    if (held >= this.maxPerCaller) return false;
    this.open.set(key, held + 1);
    return true;
  }

  release(key: string): void {
    const held = this.open.get(key) ?? 0;
    if (held <= 1) this.open.delete(key);
    else this.open.set(key, held - 1);
  }
}

/** NUL cannot occur in a companyId (its charset is fixed) and separates it from the subject. */
export const callerKey = (caller: { readonly companyId: string; readonly subject: string }): string =>
  `${caller.companyId}\u0000${caller.subject}`;
