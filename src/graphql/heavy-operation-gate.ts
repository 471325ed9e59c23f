/**
 * Admission of heavy operations: at most `atOnce` operations whose cost reaches `heavyCost`
 * execute at a time in this process; the others wait their turn (FIFO) before executing. Light
 * operations, /healthz and webhooks never wait. Fewer large answers in flight at once means less
 * garbage alive at once, so shorter collection pauses for everyone on the thread.
 */
/** The cost from which an operation is heavy (README, "Limits"). */
export const HEAVY_COST = 10_000;

export class HeavyOperationGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly heavyCost = HEAVY_COST,
    private readonly atOnce = 2,
  ) {}

  isHeavy(cost: number): boolean {
    return cost >= this.heavyCost;
  }

  async enter(): Promise<void> {
    if (this.running < this.atOnce) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
