import { Module } from '@nestjs/common';
import { UfopModule } from 'qiniu-ufop';
import { DemoHandler } from './demo.handler';
import { ImageModule } from './image/image.module';

@Module({
  imports: [UfopModule.forRoot(), ImageModule],
  providers: [DemoHandler],
})
export class AppModule {}
