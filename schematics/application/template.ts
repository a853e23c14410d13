/**
 * Renders the `files/` templates the way `@angular-devkit/schematics`' `applyTemplates` does (`<%= expr %>`
 * inserts a value, `<% code %>` runs code such as `if (x) {`, `<%# ... %>` is a comment; the text between is kept
 * as it is), without the devkit: `createproject` runs from a global install that does not have it. The devkit
 * comes to a project with `@nestjs/cli`, for `nest g`; createproject runs before there is a project.
 */
export function renderTemplate(text: string, data: Record<string, unknown>): string {
  let body = "let __p = '';\nlet __t;\n";
  let last = 0;
  for (const match of text.matchAll(/<%([=#-]?)([\s\S]+?)%>/g)) {
    body += `__p += ${JSON.stringify(text.slice(last, match.index))};\n`;
    const [, kind, code] = match;
    if (kind === '-') throw new Error(`templates here do not escape HTML: use <%= %>, not <%- %> (${match[0]})`);
    if (kind === '=') body += `__p += ((__t = (${code})) == null ? '' : __t);\n`;
    else if (kind === '') body += `${code}\n`;
    last = match.index! + match[0].length;
  }
  body += `__p += ${JSON.stringify(text.slice(last))};\nreturn __p;`;
  const names = Object.keys(data);
  return new Function(...names, body)(...names.map((name) => data[name])) as string;
}

/**
 * A template's path once written, as the devkit's `applyTemplates` makes it: `__name__` is replaced by that
 * option (`__dot__env.example.template` → `.env.example`), and the `.template` suffix is dropped.
 */
export function renderPath(path: string, data: Record<string, unknown>): string {
  return path
    .replace(/__([a-zA-Z]\w*)__/g, (whole, key: string) => (key in data ? String(data[key]) : whole))
    .replace(/\.template$/, '');
}
