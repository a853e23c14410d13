import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConcurrencyLimiter, LimiterPlace } from '../execution/concurrency.limiter';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UFOP_CONFIG } from '../ufop.constants';
import { ByteBudget } from './byte-budget';
import { InputReservation } from './input.reservation';
import { prepareTempDir, RequestTempFiles } from './temp-files';

/** What an admitted request holds until it ends: a place (inline mode), its byte reservations, its temp files. */
export class AdmittedRequest {
  private released = false;

  constructor(
    readonly place: LimiterPlace | undefined,
    readonly reservation: InputReservation,
    readonly temp: RequestTempFiles,
  ) {}

  /** Gives everything back and deletes the temp files; safe to call more than once. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.place?.release();
    await this.temp.cleanup();
    // Bytes are given back once their files are gone, so the disk budget never counts less than is on disk.
    this.reservation.release();
  }
}

/**
 * Admission control for one process. A request is admitted *before* a byte of its body is read: in inline mode it
 * takes a handler slot or a waiting place (`UFOP_CONCURRENCY` + `UFOP_MAX_WAITING`), and in every mode a declared
 * Content-Length is reserved against the memory budget (`UFOP_MAX_INFLIGHT_BYTES`) or, past `UFOP_SPILL_BYTES`,
 * the disk budget (`UFOP_MAX_DISK_BYTES`). A refusal is a 503 with Retry-After, before the body is read.
 */
@Injectable()
export class UfopAdmission implements OnModuleInit {
  private readonly logger = new Logger('Ufop');
  /** Handler slots and waiting places of inline mode; queue mode's web tier has none (workers have Bull's). */
  readonly limiter: ConcurrencyLimiter;
  readonly memory: ByteBudget;
  readonly disk: ByteBudget;
  private tempDir?: string;

  constructor(@Inject(UFOP_CONFIG) private readonly options: UfopOptions) {
    this.limiter = new ConcurrencyLimiter(options.concurrency, options.maxWaiting);
    this.memory = new ByteBudget(options.maxInflightBytes);
    this.disk = new ByteBudget(options.maxDiskBytes);
  }

  onModuleInit(): void {
    this.ensureTempDir();
  }

  /** The folder of this process's temp files, created (and swept of dead processes' files) on first use. */
  ensureTempDir(): string {
    if (this.tempDir) return this.tempDir;
    const { dir, swept } = prepareTempDir(this.options.tmpDir);
    if (swept > 0) this.logger.log(`removed ${swept} temp file(s) left in ${dir} by processes that are gone`);
    this.tempDir = dir;
    return dir;
  }

  /** Admits a request that will read an input of `declared` bytes (undefined: unknown yet), or throws 503. */
  admit(declared: number | undefined): AdmittedRequest {
    const place = this.options.mode === 'inline' ? this.limiter.admit() : undefined;
    const reservation = new InputReservation({ memory: this.memory, disk: this.disk });
    try {
      if (declared !== undefined && declared > 0) {
        const spills = declared > this.options.spillBytes;
        // Queue mode: the bytes wait in Redis until a worker takes them, so they count as memory there too.
        if (!spills || this.options.mode === 'queue') reservation.ensure('memory', declared);
        if (spills) reservation.ensure('disk', declared);
      }
    } catch (error) {
      place?.release();
      reservation.release();
      throw error;
    }
    return new AdmittedRequest(place, reservation, new RequestTempFiles(this.ensureTempDir()));
  }
}
