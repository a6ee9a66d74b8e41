import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { API_KEYS, ApiKeyGuard } from './api-key.guard';

@Module({})
export class AuthModule {
  /** Every route needs one of `keys` unless marked `@Public()`. */
  static forRoot(keys: string[]): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: API_KEYS, useValue: keys },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}

export const MIN_API_KEY_LENGTH = 16;

export function checkApiKey(key: string): string | undefined {
  return key.length < MIN_API_KEY_LENGTH
    ? `is shorter than ${MIN_API_KEY_LENGTH} characters`
    : undefined;
}
