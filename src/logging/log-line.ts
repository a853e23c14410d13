import type { LogLevel } from '@nestjs/common';

export interface LogRecord {
  time: Date;
  level: LogLevel;
  pid: number;
  context?: string;
  reqid?: string;
  message: string;
  stack?: string;
}

/**
 * One log line, without its newline. Text: `<ISO time> <pid> <LEVEL> [<context>] reqid=<id> <message>`, the
 * stack (if any) on the lines after; JSON: one object per line, stack included. Both formats put the reqid where
 * `_ufop/logs` can find it. `paint` colours the level word (terminals only).
 */
export function formatLogLine(record: LogRecord, format: 'text' | 'json', paint?: (level: string) => string): string {
  if (format === 'json') {
    return JSON.stringify({
      time: record.time.toISOString(),
      level: record.level,
      pid: record.pid,
      context: record.context || undefined,
      reqid: record.reqid,
      message: record.message,
      stack: record.stack,
    });
  }
  const level = record.level.toUpperCase();
  let line = `${record.time.toISOString()} ${record.pid} ${paint ? paint(level) : level}`;
  if (record.context) line += ` [${record.context}]`;
  if (record.reqid) line += ` reqid=${record.reqid}`;
  line += ` ${record.message}`;
  if (record.stack) line += `\n${record.stack}`;
  return line;
}

/** True when a line written by `formatLogLine` (either format) belongs to request `reqid`. */
export function lineHasReqid(line: string, reqid: string): boolean {
  if (line.startsWith('{')) {
    try {
      return (JSON.parse(line) as { reqid?: unknown }).reqid === reqid;
    } catch {
      return false;
    }
  }
  return line.includes(` reqid=${reqid} `);
}
