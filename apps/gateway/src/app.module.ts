import { Module } from '@nestjs/common';
import { HealthModule } from '@iot/http';

@Module({ imports: [HealthModule.forRoot({ database: false })] })
export class AppModule {}
