import { Injectable } from '@nestjs/common';
import { UfopHandler, UfopInput, UfopResult } from 'qiniu-ufop';

/** The seed's handlers: what each returns shows one way results are encoded. */
@Injectable()
export class DemoHandler {
  /** `demo/hello/qq` → `hello qq` as text/plain; `demo/hello` → `hello world`. */
  @UfopHandler('hello/:name?')
  hello(_input: UfopInput, args: { name?: string }): string {
    return `hello ${args.name ?? 'world'}`;
  }

  /** `demo/json` → a JSON object describing the input. */
  @UfopHandler('json')
  json(input: UfopInput): { msg: string; content_type: string } {
    return { msg: 'hello world', content_type: input.contentType };
  }

  /**
   * `demo/echo` → the input bytes, with the input's own type. Streamed: an input larger than memory (kept in a temp
   * file) goes back without ever being loaded whole; a small one is sent as the bytes it already is.
   */
  @UfopHandler('echo')
  echo(input: UfopInput): UfopResult {
    return UfopResult.of(input.stream(), input.contentType);
  }
}
