import type { UfopProject } from '../runtime/ufop-project';

/** `ok`: fine; `warn`: worth knowing, breaks nothing; `fail`: something will not work until fixed; `skip`: not relevant here. */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** What to do about it (for `warn` and `fail`). */
  fix?: string;
  /** Further lines shown under the summary: the routes found, a tool's own error output. */
  details?: string[];
  /** For `fail`: a tool is missing altogether (deploy exits 127 then, as a shell does for a missing command). */
  missingTool?: boolean;
}

/** What every check may look at. */
export interface DoctorContext {
  /** The project around the working directory, when there is one. */
  project?: UfopProject;
  /** The environment the project's processes will see: the real one over the project's `.env`. */
  env: Record<string, string | undefined>;
  /** PATH to look for tools on. */
  path: string;
}

export interface DoctorCheck {
  /** Short name, shown in the report and used by tests: `docker`, `qdoractl`, `node`... */
  name: string;
  /** A deploy fails when this check fails: `deploy` runs these checks before anything else. */
  deploy: boolean;
  run(context: DoctorContext): Promise<CheckResult>;
}
