export const tooBusyMessage = (running: number, waiting: number) =>
  `too busy: ${running} handlers running and ${waiting} requests waiting; try again later`;

export const overMemoryBudgetMessage = (limit: number) =>
  `too busy: inputs in progress would exceed this process's budget of ${limit} bytes (UFOP_MAX_INFLIGHT_BYTES); try again later`;

export const overDiskBudgetMessage = (limit: number) =>
  `too busy: temp files in progress would exceed this process's budget of ${limit} bytes (UFOP_MAX_DISK_BYTES); try again later`;

export const bodyTimeoutMessage = (ms: number) => `request body not received within ${ms} ms`;
