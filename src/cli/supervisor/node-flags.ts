/** Flags that start or configure the inspector: one port cannot serve every process, so they stay with the supervisor. */
const INSPECTOR = /^--(inspect|debug)(-[a-z-]+)?(=|$)/;

/**
 * The Node flags the supervisor's processes start with: those `node` was given for the supervisor, as node:cluster
 * passes them by default (so `node --no-memory-reducer …/qiniu-ufop runserver` reaches every process; a flag that
 * `NODE_OPTIONS` allows reaches them through the environment anyway), without the inspector's, then `extra`.
 */
export function processNodeFlags(supervisorFlags: readonly string[], extra: readonly string[] = []): string[] {
  return [...supervisorFlags.filter((flag) => !INSPECTOR.test(flag)), ...extra];
}
