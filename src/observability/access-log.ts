import { SPANS, UfopRequestContext } from './request-context';

/**
 * One line per request, `key=value` pairs so that both text and JSON logs can be grepped the same way:
 * `route=thumb/:width/:height? status=200 in=52311 out=8812 ms=41.2 input=3.1 queue=0.0 process=37.5 output=0.6`.
 * The reqid is not repeated here: every line written during the request carries it already.
 */
export function accessLogLine(context: UfopRequestContext, status: number, endedAt: number): string {
  let line = `route=${context.route} status=${status} in=${context.inputBytes} out=${context.outputBytes} ms=${(endedAt - context.startedAt).toFixed(1)}`;
  for (const span of SPANS) {
    const ms = context.spans[span];
    if (ms !== undefined) line += ` ${span}=${ms.toFixed(1)}`;
  }
  return line;
}
