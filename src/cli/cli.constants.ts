/** The binary's name, shown in help and messages (package.json `bin`). */
export const CLI_NAME = 'qiniu-ufop';

/** The path Qiniu's platform probes; the image's HEALTHCHECK and `dora.yaml` use it too. */
export const HEALTH_PATH = '/health';

/** The flavor `doraconfig` and `deploy` use when none is given: Qiniu's smallest (1 core, 1 GiB). */
export const DEFAULT_FLAVOR = 'C1M1';

/** How long the supervisor lets processes drain on SIGTERM before it kills them (`UFOP_DRAIN_TIMEOUT_MS`). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
