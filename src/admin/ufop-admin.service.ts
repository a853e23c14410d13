import { Inject, Injectable } from '@nestjs/common';
import { UfopBadRequestError, UfopNotFoundError } from '../errors/ufop.errors';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { logFilePath } from '../logging/log-file';
import { allProcessesText } from '../metrics/cluster-metrics';
import { metricsSnapshot } from '../metrics/metrics-snapshot';
import { UfopMetrics } from '../metrics/ufop.metrics';
import { ufopContext } from '../observability/request-context';
import { UfopResponse } from '../output/ufop-response';
import { ParsedCmd } from '../routing/ufop-cmd.parser';
import { UFOP_CONFIG } from '../ufop.constants';
import { noHandlerMessage } from '../ufop.messages';
import { AdminCommand, isAdminCommand, parseAdminCommand } from './admin-command';
import { ADMIN_PREFIX, badLinesMessage, badRoleMessage, noLogDirMessage } from './ufop-admin.messages';
import { tailLog } from './log-tail';

const DEFAULT_LINES = 100;
const MAX_LINES = 5000;

/**
 * Operator commands through the cmd route, for instances that only Qiniu's fop requests reach:
 * `<ufop>/_ufop/stats/token/<t>` (a JSON snapshot of the metrics of all processes) and
 * `<ufop>/_ufop/logs/token/<t>[/lines/<n>][/reqid/<id>][/role/server|worker]` (the last lines of the log files).
 * They exist only when `UFOP_ADMIN_TOKEN` is set; a wrong or missing token gets exactly the answer of an unknown
 * cmd. Answered in the web process, never queued: they must work when the workers are stuck.
 */
@Injectable()
export class UfopAdminService {
  constructor(
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
    private readonly metrics: UfopMetrics,
  ) {}

  /** The answer to an operator command, or undefined when `cmd` is not one (route it as usual). */
  async tryAnswer(cmd: ParsedCmd): Promise<UfopResponse | undefined> {
    const token = this.options.adminToken;
    if (token === undefined || !isAdminCommand(cmd.command)) return undefined;
    const command = parseAdminCommand(cmd.command, token);
    if (!command) throw new UfopNotFoundError(noHandlerMessage(cmd.raw));
    const context = ufopContext();
    if (context) context.route = `${ADMIN_PREFIX}/${command.name}`;
    return command.name === 'stats' ? this.stats() : this.logs(command);
  }

  private async stats(): Promise<UfopResponse> {
    const snapshot = {
      time: new Date().toISOString(),
      metrics: metricsSnapshot(await allProcessesText(this.metrics.registry)),
    };
    return json(snapshot);
  }

  private async logs(command: AdminCommand): Promise<UfopResponse> {
    const { lines: linesParam, reqid, role: roleParam } = command.params;
    const lines = linesParam === undefined ? DEFAULT_LINES : Number(linesParam);
    if (!Number.isInteger(lines) || lines < 1 || lines > MAX_LINES)
      throw new UfopBadRequestError(badLinesMessage(MAX_LINES));
    const role = roleParam ?? (this.options.role === 'worker' ? 'worker' : 'server');
    if (role !== 'server' && role !== 'worker') throw new UfopBadRequestError(badRoleMessage());
    const path = logFilePath({ UFOP_LOG_DIR: this.options.logDir, UFOP_ROLE: role === 'worker' ? 'worker' : 'all' });
    if (!path) throw new UfopBadRequestError(noLogDirMessage());
    const found = await tailLog(path, this.options.logFiles, lines, reqid);
    const body = Buffer.from(found.length ? `${found.join('\n')}\n` : '');
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body };
  }
}

function json(value: unknown): UfopResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: Buffer.from(JSON.stringify(value)),
  };
}
