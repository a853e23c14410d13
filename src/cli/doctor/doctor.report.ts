import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';

export interface CheckOutcome extends CheckResult {
  name: string;
  deploy: boolean;
}

export interface DoctorReport {
  outcomes: CheckOutcome[];
  /** Some check failed: doctor exits 1. */
  failed: boolean;
  /** A check that a deploy needs failed. */
  deployWouldFail: boolean;
}

/** Runs the checks one after the other (some start processes: no point in racing them on a small machine). */
export async function runChecks(checks: DoctorCheck[], context: DoctorContext): Promise<DoctorReport> {
  const outcomes: CheckOutcome[] = [];
  for (const check of checks) {
    let result: CheckResult;
    try {
      result = await check.run(context);
    } catch (error) {
      result = { status: 'fail', summary: `the check itself failed: ${(error as Error).message}` };
    }
    outcomes.push({ name: check.name, deploy: check.deploy, ...result });
  }
  const failures = outcomes.filter((outcome) => outcome.status === 'fail');
  return { outcomes, failed: failures.length > 0, deployWouldFail: failures.some((outcome) => outcome.deploy) };
}

const LABEL: Record<CheckResult['status'], string> = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** The report as the terminal shows it: one line per check, its details and fix indented below. */
export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.outcomes.map((outcome) => outcome.name.length));
  const indent = ' '.repeat(2 + 6 + width + 2);
  const lines: string[] = [];
  for (const outcome of report.outcomes) {
    lines.push(`  ${LABEL[outcome.status].padEnd(6)}${outcome.name.padEnd(width)}  ${outcome.summary}`);
    for (const detail of outcome.details ?? []) lines.push(`${indent}  ${detail}`);
    if (outcome.fix && (outcome.status === 'fail' || outcome.status === 'warn'))
      lines.push(`${indent}fix: ${outcome.fix}`);
  }
  lines.push('', summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function summaryLine(report: DoctorReport): string {
  const count = (status: CheckResult['status']) => report.outcomes.filter((outcome) => outcome.status === status);
  const failures = count('fail');
  const warnings = count('warn').length;
  const warned = warnings ? ` ${warnings} warning${warnings === 1 ? '' : 's'}.` : '';
  if (!failures.length) return `No problems found.${warned}`;
  const deploy = failures.filter((outcome) => outcome.deploy).map((outcome) => outcome.name);
  const what = deploy.length ? `: a deploy would fail (${deploy.join(', ')})` : '';
  return `${failures.length} problem${failures.length === 1 ? '' : 's'}${what}.${warned}`;
}

/** What `deploy` prints when its checks fail: each problem and its fix, as doctor explains it. */
export function deployFailureMessage(report: DoctorReport): string {
  return report.outcomes
    .filter((outcome) => outcome.status === 'fail')
    .map((outcome) =>
      [
        `${outcome.summary}: ${outcome.fix ?? ''}`.replace(/: $/, ''),
        ...(outcome.details ?? []).map((line) => `    ${line}`),
      ].join('\n'),
    )
    .join('\n');
}
