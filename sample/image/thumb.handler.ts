import { Injectable } from '@nestjs/common';
import { UfopHandler, UfopInput, UfopResult } from 'qiniu-ufop';
import { ImageService } from './image.service';
import { ThumbArgs } from './thumb.args';

@Injectable()
export class ThumbHandler {
  constructor(private readonly images: ImageService) {}

  /** `demo/thumb/200/100` → the input resized to 200×100; `demo/thumb/200` keeps the aspect ratio. */
  @UfopHandler('thumb/:width/:height?')
  async thumb(input: UfopInput, args: ThumbArgs): Promise<UfopResult> {
    const { data, contentType } = await this.images.resize(input.body, args.width, args.height);
    return UfopResult.of(data, contentType);
  }
}
