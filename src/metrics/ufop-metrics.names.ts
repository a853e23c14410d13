/** Names of the metrics, all under `ufop_` (imgproxy's set, adapted). */
export const METRIC = {
  requests: 'ufop_requests_total',
  duration: 'ufop_request_duration_seconds',
  spans: 'ufop_request_span_duration_seconds',
  inProgress: 'ufop_requests_in_progress',
  slots: 'ufop_handler_slots',
  slotsBusy: 'ufop_handler_slots_busy',
  waiting: 'ufop_requests_waiting',
  inputBytes: 'ufop_input_bytes',
  errors: 'ufop_errors_total',
  queueJobs: 'ufop_queue_jobs',
} as const;

export type UfopErrorType = 'timeout' | 'download' | 'handler' | 'refused';

/**
 * The `type` of `ufop_errors_total` a status stands for: 504 a timeout, 502 a failed source download, 503 a
 * refusal (busy, queue down, draining), any other 5xx a handler failure. 4xx are the client's errors: not counted.
 */
export function errorType(status: number): UfopErrorType | undefined {
  if (status === 504) return 'timeout';
  if (status === 502) return 'download';
  if (status === 503) return 'refused';
  if (status >= 500) return 'handler';
  return undefined;
}
