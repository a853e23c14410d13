import { IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { UfopHandlerDefinition } from '../interfaces/ufop-handler-definition.interface';
import { UfopRoute } from '../routing/ufop-route';
import { describeRoutes } from './playground.routes';

class ThumbArgs {
  @IsInt()
  @Min(1)
  width: number;

  @IsOptional()
  @IsInt()
  height?: number;

  @IsOptional()
  @IsIn(['jpeg', 'png'])
  format?: string;
}

const handler = (pattern: string | RegExp, argsType?: UfopHandlerDefinition['argsType']): UfopHandlerDefinition => ({
  id: 'X.y',
  route: new UfopRoute(pattern),
  className: 'ImageHandler',
  methodName: 'thumb',
  argsType,
  resolveInstance: async () => ({}),
});

describe('describeRoutes (the playground suggestions)', () => {
  it('lists path params, then the args class fields that can only come as key/value pairs, with their rules', () => {
    const [route] = describeRoutes([handler('thumb/:width/:height?', ThumbArgs)]);
    expect(route).toEqual({
      pattern: 'thumb/:width/:height?',
      start: 'thumb/',
      handler: 'ImageHandler.thumb()',
      args: [
        { name: 'width', optional: false, in: 'path', rules: ['isInt', 'min 1'] },
        { name: 'height', optional: true, in: 'path', rules: ['isInt'] },
        { name: 'format', optional: true, in: 'pair', rules: ['isIn'] },
      ],
    });
  });

  it('describes routes without args, and RegExp routes by their named groups', () => {
    expect(describeRoutes([handler('json')])[0]).toMatchObject({ pattern: 'json', start: 'json', args: [] });
    expect(describeRoutes([handler(/^resize\/(?<size>\d+)$/)])[0]).toMatchObject({
      pattern: '/^resize\\/(?<size>\\d+)$/',
      start: '',
      args: [{ name: 'size', optional: false, in: 'path', rules: [] }],
    });
  });
});
