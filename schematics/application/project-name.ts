// validate-npm-package-name has no bundled types; this is the part of its result we use.
type Validate = (name: string) => { validForNewPackages: boolean; errors?: string[]; warnings?: string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validate: Validate = require('validate-npm-package-name');

/**
 * Why `name` cannot be a new npm package's name (empty when it can). The project name becomes the name in
 * its package.json, so npm's own rules apply: lower case, URL-safe, at most 214 characters, not a core module.
 */
export function projectNameProblems(name: string): string[] {
  const result = validate(name);
  return result.validForNewPackages ? [] : [...(result.errors ?? []), ...(result.warnings ?? [])];
}

/** A valid name close to `name`, to suggest: `My App` → `my-app`. */
export function suggestProjectName(name: string): string {
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|-+$/g, '')
    .slice(0, 214);
  return projectNameProblems(suggestion).length === 0 ? suggestion : 'my-ufop';
}
