import { join, Path, strings } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  branchAndMerge,
  chain,
  filter,
  mergeWith,
  move,
  noop,
  Rule,
  SchematicsException,
  Tree,
  url,
} from '@angular-devkit/schematics';
import {
  mergeSourceRoot,
  ModuleDeclarator,
  ModuleFinder,
  NameParser,
  normalizeToKebabOrSnakeCase,
} from '@nestjs/schematics';

export interface UfopHandlerOptions {
  name: string;
  path?: string;
  sourceRoot?: string;
  language?: string;
  flat?: boolean;
  spec?: boolean;
  specFileSuffix?: string;
  skipImport?: boolean;
}

/** What the rules below work with once the name is parsed; `module` is found in the tree. */
interface ResolvedOptions extends UfopHandlerOptions {
  name: string;
  path: Path;
  specFileSuffix: string;
  module?: Path;
}

/** A handler name becomes a class name, a method name and a route: it must start with a letter. */
const HANDLER_NAME = /^[a-z][a-z0-9_-]*$/;

/**
 * `nest g ufop-handler <name>`: writes `<name>.handler.ts` (and its spec) and registers the class in
 * the nearest module. Path handling and module registration are @nestjs/schematics' own, so that
 * `--flat`, `--path`, `sourceRoot` and `--skip-import` behave exactly as for `nest g service`.
 */
export function main(options: UfopHandlerOptions): Rule {
  return (tree, context) => {
    // mergeSourceRoot prefixes `path` with the source root; it runs first and mutates the options, as in Nest.
    const merged = { ...options };
    return branchAndMerge(
      chain([
        // @nestjs/schematics carries its own @angular-devkit copy: same runtime shape, distinct types.
        (host: Tree) => mergeSourceRoot(merged)(host as never, context as never) as Tree,
        (host: Tree) => {
          const resolved = resolve(merged);
          return chain([registerInModule(resolved), mergeWith(generate(resolved))])(host, context);
        },
      ]),
    )(tree, context);
  };
}

function resolve(options: UfopHandlerOptions): ResolvedOptions {
  if (!options.name) throw new SchematicsException('Option (name) is required.');
  if (options.language && options.language !== 'ts') {
    throw new SchematicsException(`ufop-handler only writes TypeScript (language "${options.language}" asked).`);
  }
  const location = new NameParser().parse({ name: options.name, path: options.path });
  const name = normalizeToKebabOrSnakeCase(location.name);
  if (!HANDLER_NAME.test(name)) {
    throw new SchematicsException(
      `Invalid handler name "${location.name}": use letters, digits and dashes, starting with a letter (e.g. thumbnail, video-cover).`,
    );
  }
  const path = normalizeToKebabOrSnakeCase(location.path) as Path;
  return {
    ...options,
    name,
    path: options.flat ? path : join(path, name),
    specFileSuffix: normalizeToKebabOrSnakeCase(options.specFileSuffix || 'spec'),
    spec: options.spec !== false,
  };
}

function generate(options: ResolvedOptions) {
  return apply(url('./files'), [
    options.spec ? noop() : filter((path) => !path.endsWith('.__specFileSuffix__.ts.template')),
    applyTemplates({ ...strings, ...options, route: options.name }),
    move(options.path),
  ]);
}

function registerInModule(options: ResolvedOptions): Rule {
  return (tree: Tree) => {
    if (options.skipImport) return tree;
    const module = new ModuleFinder(tree as never).find({ name: options.name, path: options.path });
    if (!module) return tree;
    const content = tree.readText(module);
    const declared = new ModuleDeclarator().declare(content, {
      metadata: 'providers',
      type: 'handler',
      name: options.name,
      path: options.path,
      module,
    });
    tree.overwrite(module, declared);
    return tree;
  };
}
