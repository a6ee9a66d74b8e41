import { Module } from '@nestjs/common';
import { HealthModule } from '@iot/common';

@Module({ imports: [HealthModule.forRoot({ database: false })] })
export class AppModule {}
