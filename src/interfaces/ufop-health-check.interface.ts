/**
 * Implemented by any provider that can tell whether it is healthy. `GET /health` calls every one;
 * throwing, or returning `false`, makes it answer 503 with `{"error": ...}`.
 */
export interface UfopHealthCheck {
  onUfopHealthCheck(): unknown | Promise<unknown>;
}
