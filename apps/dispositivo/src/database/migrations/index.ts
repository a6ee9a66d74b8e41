import { CreateLectura1732838400000 } from './1732838400000-CreateLectura';

/** In order; TypeORM records each in the `migrations` table. */
export const migrations = [CreateLectura1732838400000];
