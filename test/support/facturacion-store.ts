import { typeOrmOptions } from '@iot/database';
import { DataSource } from 'typeorm';
import { migrations } from '../../apps/facturacion/src/database/migrations';

/** facturacion's schema on a test database, migrated, for specs that drive its repositories in-process. */
export async function facturacionStore(
  url: string,
  poolSize: number,
  queryTimeoutMs = 5000,
): Promise<DataSource> {
  const source = new DataSource(
    typeOrmOptions({ url, poolSize, connectTimeoutMs: 5000, queryTimeoutMs }, 'test', migrations),
  );
  await source.initialize();
  return source;
}
