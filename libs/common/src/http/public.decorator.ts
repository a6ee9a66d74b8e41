import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'iot:isPublic';

/** Opens a route without an API key (health probes only). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
