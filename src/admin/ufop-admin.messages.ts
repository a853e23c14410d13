export const ADMIN_PREFIX = '_ufop';

export const reservedRouteMessage = (where: string, route: string) =>
  `@UfopHandler route ${JSON.stringify(route)} on ${where} is under ${ADMIN_PREFIX}/, which the framework reserves ` +
  `for its operator commands (_ufop/stats, _ufop/logs): choose another route.`;

export const badLinesMessage = (max: number) => `_ufop/logs: lines must be an integer from 1 to ${max}`;
export const badRoleMessage = () => '_ufop/logs: role must be server or worker';
export const noLogDirMessage = () =>
  '_ufop/logs: this service writes no log files (UFOP_LOG_DIR is not set); its logs are on stdout only';
