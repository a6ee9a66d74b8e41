import { inTransaction, pgPool } from '@iot/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface SesionHuerfana {
  clientId: string;
  conexiones: number;
}

/** The instances consuming the shared group, by heartbeat (table mqtt_sesion). */
@Injectable()
export class MqttSesionesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * This instance is alive with `conexiones` connections; resolves with how
   * many it had before (0 when new). Waits while another instance holds the
   * row to drain this id's sessions (see adoptIfOrphaned).
   */
  async heartbeat(clientId: string, conexiones: number): Promise<number> {
    const { rows } = await pgPool(this.db).query<{ antes: number | null }>(
      `WITH antes AS (SELECT conexiones FROM mqtt_sesion WHERE client_id = $1)
       INSERT INTO mqtt_sesion (client_id, conexiones) VALUES ($1, $2)
       ON CONFLICT (client_id) DO UPDATE SET conexiones = EXCLUDED.conexiones, visto_en = now()
       RETURNING (SELECT conexiones FROM antes) AS antes`,
      [clientId, conexiones],
    );
    return rows[0].antes ?? 0;
  }

  /** Instances not heard from for `afterS` seconds, oldest first. */
  async findOrphans(afterS: number): Promise<SesionHuerfana[]> {
    const { rows } = await pgPool(this.db).query<{ client_id: string; conexiones: number }>(
      `SELECT client_id, conexiones FROM mqtt_sesion
       WHERE visto_en < now() - make_interval(secs => $1) ORDER BY visto_en`,
      [afterS],
    );
    return rows.map((r) => ({ clientId: r.client_id, conexiones: r.conexiones }));
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
    drain: (conexiones: number) => Promise<void>,
  ): Promise<boolean> {
    return inTransaction(pgPool(this.db), async (tx) => {
      const { rows } = await tx.query<{ conexiones: number }>(
        `SELECT conexiones FROM mqtt_sesion
         WHERE client_id = $1 AND visto_en < now() - make_interval(secs => $2)
         FOR UPDATE SKIP LOCKED`,
        [clientId, afterS],
      );
      if (rows.length === 0) return false;
      await drain(rows[0].conexiones);
      await tx.query(`DELETE FROM mqtt_sesion WHERE client_id = $1`, [clientId]);
      return true;
    });
  }
}
