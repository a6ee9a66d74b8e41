import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiKey, CreatedKey, KeysService } from '@iot/keys';

/** Admin only (the gateway's role policy); the CLI does the same with `npm run keys`. */
@ApiTags('keys')
@Controller('api/gateway/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  @ApiOperation({ summary: 'Every key, active and revoked (never a secret)' })
  list(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  /** 201 with the stored key and, once, its secret (`key`). */
  @Post()
  @ApiOperation({ summary: 'A new key; its secret is in this answer only' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['role'],
      properties: {
        role: { enum: ['dispositivo', 'facturacion', 'admin'] },
        series: { type: 'array', items: { type: 'string' }, description: 'dispositivo keys only' },
        nombre: { type: 'string' },
      },
    },
  })
  async create(@Body() body: unknown): Promise<ApiKey & { key: string }> {
    const input =
      body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const { apiKey, key }: CreatedKey = await this.keys.create(input);
    return { ...apiKey, key };
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke a key (every gateway instance within KEYS_REFRESH_MS)' })
  revoke(@Param('id') id: string): Promise<ApiKey> {
    return this.keys.revoke(id);
  }
}
