import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { authenticated } from '../auth/caller.hook';
import { Ingesta, IngestaService } from './ingesta.service';

export interface Sesion {
  role: string;
  keyId: string;
  series?: string[];
}

/** The console's own routes (its files are served apart, see estaticos.ts). */
@ApiTags('consola')
@Controller('api/gateway')
export class ConsolaController {
  constructor(private readonly ingesta: IngestaService) {}

  @Get('sesion')
  @ApiOperation({ summary: 'What the presented key is: its role, id and serials (any key)' })
  sesion(@Req() request: unknown): Sesion {
    const holder = authenticated(request).holder!;
    return {
      role: holder.role,
      keyId: holder.keyId,
      ...(holder.series && { series: holder.series }),
    };
  }

  @Get('ingesta')
  @ApiOperation({
    summary: "Every instance's health, and dispositivo's ingestion counters, gathered now (admin)",
  })
  get(@Req() request: unknown): Promise<Ingesta> {
    return this.ingesta.reunir(authenticated(request).callerToken!);
  }
}
