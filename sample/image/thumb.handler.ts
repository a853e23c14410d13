import { Injectable } from '@nestjs/common';
import { UfopHandler, UfopInput, UfopResult } from 'qiniu-ufop';
import { ImageService } from './image.service';
import { ThumbArgs } from './thumb.args';

@Injectable()
export class ThumbHandler {
  constructor(private readonly images: ImageService) {}

  /**
   * `demo/thumb/200` → 200 px wide, aspect ratio kept; `demo/thumb/200/100` → fits inside 200×100;
   * `demo/thumb/200/100/mode/crop` → exactly 200×100, the overflow cut off around the centre.
   * An input too large for memory is in a temp file: sharp reads it from there rather than from a Buffer.
   */
  @UfopHandler('thumb/:width/:height?')
  async thumb(input: UfopInput, args: ThumbArgs): Promise<UfopResult> {
    const source = input.onDisk ? await input.path() : input.body;
    const { data, contentType } = await this.images.thumbnail(source, args);
    return UfopResult.of(data, contentType);
  }
}
