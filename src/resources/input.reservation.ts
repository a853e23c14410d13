import { UfopUnavailableError } from '../errors/ufop.errors';
import { RETRY_AFTER_SECONDS } from '../ufop.constants';
import { ByteBudget } from './byte-budget';
import { overDiskBudgetMessage, overMemoryBudgetMessage } from './resource.messages';

export type BudgetKind = 'memory' | 'disk';

/**
 * What one request holds of the process's budgets. `ensure(kind, total)` grows the reservation to `total` bytes
 * (a declared Content-Length at once, a chunked body as it grows) or refuses with 503 + Retry-After; `release()`
 * gives everything back when the request ends, however it ends.
 */
export class InputReservation {
  private memory = 0;
  private disk = 0;

  constructor(private readonly budgets: { memory: ByteBudget; disk: ByteBudget }) {}

  ensure(kind: BudgetKind, total: number): void {
    const held = kind === 'memory' ? this.memory : this.disk;
    if (total <= held) return;
    const budget = this.budgets[kind];
    if (!budget.tryReserve(total - held)) {
      const message = kind === 'memory' ? overMemoryBudgetMessage(budget.limit) : overDiskBudgetMessage(budget.limit);
      throw new UfopUnavailableError(message, RETRY_AFTER_SECONDS);
    }
    if (kind === 'memory') this.memory = total;
    else this.disk = total;
  }

  /** Gives back what is no longer held of one kind (an input that moved from memory to disk). */
  drop(kind: BudgetKind): void {
    if (kind === 'memory') {
      this.budgets.memory.release(this.memory);
      this.memory = 0;
    } else {
      this.budgets.disk.release(this.disk);
      this.disk = 0;
    }
  }

  release(): void {
    this.drop('memory');
    this.drop('disk');
  }
}

/** For inputs made outside HTTP (the CLI, tests): nothing is counted. */
export const UNBOUNDED_RESERVATION = new InputReservation({
  memory: new ByteBudget(Number.MAX_SAFE_INTEGER),
  disk: new ByteBudget(Number.MAX_SAFE_INTEGER),
});
