import { UfopHandlerDefinition } from './interfaces/ufop-handler-definition.interface';

const where = (def: Pick<UfopHandlerDefinition, 'className' | 'methodName'>) => `${def.className}.${def.methodName}()`;

export const duplicateRouteMessage = (existing: UfopHandlerDefinition, added: UfopHandlerDefinition) =>
  `Conflicting @UfopHandler routes: ${where(existing)} declares ${existing.route} and ${where(added)} declares ` +
  `${added.route}, which match the same commands. Give one of them a different route.`;

export const invalidRouteMessage = (className: string, methodName: string, route: unknown, reason: string) =>
  `Invalid @UfopHandler route ${JSON.stringify(String(route))} on ${className}.${methodName}(): ${reason}`;

export const noHandlerMessage = (cmd: string) => `no handler for cmd ${JSON.stringify(cmd)}`;
