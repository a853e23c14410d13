import { Module } from '@nestjs/common';
import { ImageService } from './image.service';
import { ThumbHandler } from './thumb.handler';

/** Handlers may live in any module: UfopModule discovers them wherever they are provided. */
@Module({
  providers: [ImageService, ThumbHandler],
})
export class ImageModule {}
