import { CreateLectura1732838400000 } from './1732838400000-CreateLectura';
import { CreateLecturaRechazada1732924800000 } from './1732924800000-CreateLecturaRechazada';

/** In order; TypeORM records each in the `migrations` table. */
export const migrations = [CreateLectura1732838400000, CreateLecturaRechazada1732924800000];
