export const dashboardMissingMessage = (what: string) =>
  `UFOP_DASHBOARD_PORT is set but ${what} cannot be loaded: the queue dashboard is an optional peer dependency. ` +
  'Install it in the project (npm install @bull-board/api @bull-board/express) or unset UFOP_DASHBOARD_PORT.';

export const dashboardNeedsQueueMessage = () =>
  'UFOP_DASHBOARD_PORT is set but this service runs in inline mode: the dashboard shows the Bull queue of queue ' +
  'mode (set REDIS_URL), or unset UFOP_DASHBOARD_PORT.';
