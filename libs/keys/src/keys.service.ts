import { DomainError } from '@iot/common';
import { inTransaction } from '@iot/database';
import type { Pool } from 'pg';
import { Dynsec } from './dynsec/dynsec';
import { DynsecConfig } from './dynsec/dynsec.config';
import { generateKey, keyDigest } from '@iot/contracts';
import { ApiKey, checkNewKey } from './api-key';
import { KeysRepository } from './keys.repository';

export class KeyNotFoundError extends DomainError {
  constructor(id: string) {
    super('not_found', `no active API key ${id}`, { id });
  }
}

export interface CreatedKey {
  apiKey: ApiKey;
  /** The secret: shown once, stored only as a digest. */
  key: string;
}

/**
 * Creating, listing and revoking stored keys, for the admin routes and the
 * keys CLI alike. With Mosquitto's dynamic-security plugin configured, a
 * device key is also an MQTT client: created in the key's transaction (a
 * broker that refuses rolls the key back) and removed on revocation.
 */
export class KeysService {
  private readonly repository: KeysRepository;

  constructor(
    private readonly pool: Pool,
    private readonly dynsec?: DynsecConfig,
  ) {
    this.repository = new KeysRepository(pool);
  }

  list(): Promise<ApiKey[]> {
    return this.repository.listAll();
  }

  async create(input: Record<string, unknown>): Promise<CreatedKey> {
    const checked = checkNewKey(input);
    const { id, key } = generateKey();
    return inTransaction(this.pool, async (tx) => {
      const apiKey = await new KeysRepository(tx).insert({ id, ...checked }, keyDigest(key));
      if (checked.role === 'dispositivo') {
        await this.onBroker((b) => b.grantDevice(id, key, checked.series));
      }
      return { apiKey, key };
    });
  }

  async revoke(id: string): Promise<ApiKey> {
    const revoked = await this.repository.revoke(id);
    if (!revoked) throw new KeyNotFoundError(id);
    if (revoked.role === 'dispositivo') await this.onBroker((b) => b.withdrawDevice(id));
    return revoked;
  }

  /**
   * The first start's keys: with no active key at all, one `dispositivo` and
   * one `admin` key (none otherwise). Serialised, so two starts at once cannot
   * both create them.
   */
  async bootstrap(): Promise<CreatedKey[]> {
    return inTransaction(this.pool, async (tx) => {
      await tx.query(`LOCK TABLE api_key IN SHARE ROW EXCLUSIVE MODE`);
      const repository = new KeysRepository(tx);
      if ((await repository.countActive()) > 0) return [];
      const created: CreatedKey[] = [];
      for (const role of ['dispositivo', 'admin'] as const) {
        const { id, key } = generateKey();
        const nombre = `created by the first start (${role})`;
        const apiKey = await repository.insert({ id, role, nombre }, keyDigest(key));
        if (role === 'dispositivo') await this.onBroker((b) => b.grantDevice(id, key, null));
        created.push({ apiKey, key });
      }
      return created;
    });
  }

  /** dispositivo's own broker client, re-created only if its password, role or ACLs differ. */
  async setupBrokerService(username: string, password: string, topics: string[]): Promise<boolean> {
    return (await this.onBroker((b) => b.ensureService(username, password, topics))) ?? false;
  }

  private async onBroker<T>(work: (broker: Dynsec) => Promise<T>): Promise<T | undefined> {
    if (!this.dynsec) return undefined;
    const broker = await Dynsec.connect(this.dynsec);
    try {
      return await work(broker);
    } finally {
      await broker.close();
    }
  }
}
