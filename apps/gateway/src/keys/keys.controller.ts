import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiKey } from './api-key';
import { CreatedKey, KeysService } from './keys.service';

/** Admin only (the gateway's role policy); the CLI does the same with `npm run keys`. */
@Controller('api/gateway/keys')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Get()
  list(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  /** 201 with the stored key and, once, its secret (`key`). */
  @Post()
  async create(@Body() body: unknown): Promise<ApiKey & { key: string }> {
    const input =
      body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const { apiKey, key }: CreatedKey = await this.keys.create(input);
    return { ...apiKey, key };
  }

  @Delete(':id')
  revoke(@Param('id') id: string): Promise<ApiKey> {
    return this.keys.revoke(id);
  }
}
