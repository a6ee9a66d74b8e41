import { inTransaction } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';

export interface OrphanSession {
  clientId: string;
  connections: number;
}

/** The instances consuming the shared group, by heartbeat (table mqtt_session). */
@Injectable()
export class MqttSessionsRepository {
  constructor(@Inject(Pool) private readonly pool: Pool) {}

  /**
   * This instance is alive with `connections` connections; resolves with how
   * many it had before (0 when new). Waits while another instance holds the
   * row to drain this id's sessions (see adoptIfOrphaned).
   */
  async heartbeat(clientId: string, connections: number): Promise<number> {
    const { rows } = await this.pool.query<{ previous: number | null }>(
      `WITH previous AS (SELECT connections FROM mqtt_session WHERE client_id = $1)
       INSERT INTO mqtt_session (client_id, connections) VALUES ($1, $2)
       ON CONFLICT (client_id) DO UPDATE SET connections = EXCLUDED.connections, seen_at = now()
       RETURNING (SELECT connections FROM previous) AS previous`,
      [clientId, connections],
    );
    return rows[0].previous ?? 0;
  }

  /** Instances not heard from for `afterS` seconds, oldest first. */
  async findOrphans(afterS: number): Promise<OrphanSession[]> {
    const { rows } = await this.pool.query<{ client_id: string; connections: number }>(
      `SELECT client_id, connections FROM mqtt_session
       WHERE seen_at < now() - make_interval(secs => $1) ORDER BY seen_at`,
      [afterS],
    );
    return rows.map((r) => ({ clientId: r.client_id, connections: r.connections }));
  }

  /**
   * Runs `drain` holding the orphan's row (if it is still an orphan and no
   * other instance holds it), then forgets it. A returning instance's
   * heartbeat waits on that row, so it cannot reconnect to a session while it
   * is being drained and deleted.
   */
  async adoptIfOrphaned(
    clientId: string,
    afterS: number,
    drain: (connections: number) => Promise<void>,
  ): Promise<boolean> {
    return inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ connections: number }>(
        `SELECT connections FROM mqtt_session
         WHERE client_id = $1 AND seen_at < now() - make_interval(secs => $2)
         FOR UPDATE SKIP LOCKED`,
        [clientId, afterS],
      );
      if (rows.length === 0) return false;
      await drain(rows[0].connections);
      await tx.query(`DELETE FROM mqtt_session WHERE client_id = $1`, [clientId]);
      return true;
    });
  }
}
