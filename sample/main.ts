import { UfopFactory } from 'qiniu-ufop';
import { AppModule } from './app.module';

void UfopFactory.bootstrap(AppModule);
