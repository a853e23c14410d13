/**
 * A count of bytes that the requests of one process may hold at once (memory, or temp-file space). A request
 * reserves before it holds, and gives back when it ends; a reservation that does not fit is refused, never waited for.
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  tryReserve(bytes: number): boolean {
    if (bytes <= 0) return true;
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
