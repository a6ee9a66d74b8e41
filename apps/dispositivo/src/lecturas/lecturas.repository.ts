import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Lectura, LecturaGuardada } from './lectura';

interface Fila {
  id: string;
  numero_serie: string;
  nombre_variable: string;
  estampa_tiempo: Date;
  valor_variable: number;
}

const aGuardada = (f: Fila): LecturaGuardada => ({
  id: Number(f.id),
  numeroSerie: f.numero_serie,
  nombreVariable: f.nombre_variable,
  estampaTiempo: f.estampa_tiempo,
  valorVariable: f.valor_variable,
});

export interface Cursor {
  estampaTiempo: Date;
  id: number;
}

export interface ConsultaPagina {
  numeroSerie: string;
  nombreVariable?: string;
  desde?: Date;
  hasta?: Date;
  despuesDe?: Cursor;
  limite: number;
}

const COLUMNAS = 'id, numero_serie, nombre_variable, estampa_tiempo, valor_variable';

@Injectable()
export class LecturasRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * One statement (so one transaction) for any number of readings, keys
   * assumed distinct. Readings whose key is already stored are skipped; the
   * answer holds only the ones this statement inserted.
   */
  async insertNew(lecturas: Lectura[]): Promise<LecturaGuardada[]> {
    const filas: Fila[] = await this.db.query(
      `INSERT INTO lectura (numero_serie, nombre_variable, estampa_tiempo, valor_variable)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::float8[])
       ON CONFLICT ON CONSTRAINT lectura_clave DO NOTHING
       RETURNING ${COLUMNAS}`,
      columnas(lecturas),
    );
    return filas.map(aGuardada);
  }

  /** The stored readings with the same keys as `lecturas`. */
  async findByClaves(lecturas: Lectura[]): Promise<LecturaGuardada[]> {
    const [series, variables, estampas] = columnas(lecturas);
    const filas: Fila[] = await this.db.query(
      `SELECT ${COLUMNAS.split(', ')
        .map((c) => `l.${c}`)
        .join(', ')}
       FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[])
            AS k(numero_serie, nombre_variable, estampa_tiempo)
       JOIN lectura l USING (numero_serie, nombre_variable, estampa_tiempo)`,
      [series, variables, estampas],
    );
    return filas.map(aGuardada);
  }

  /** One page of a device's readings ordered by (estampaTiempo, id). */
  async findPagina(c: ConsultaPagina): Promise<LecturaGuardada[]> {
    const params: unknown[] = [c.numeroSerie];
    const where = ['numero_serie = $1'];
    const add = (sql: (n: number) => string, ...values: unknown[]): void => {
      params.push(...values);
      where.push(sql(params.length - values.length + 1));
    };
    if (c.nombreVariable) add((n) => `nombre_variable = $${n}`, c.nombreVariable);
    if (c.desde) add((n) => `estampa_tiempo >= $${n}`, c.desde);
    if (c.hasta) add((n) => `estampa_tiempo < $${n}`, c.hasta);
    if (c.despuesDe) {
      add(
        (n) => `(estampa_tiempo, id) > ($${n}, $${n + 1})`,
        c.despuesDe.estampaTiempo,
        c.despuesDe.id,
      );
    }
    params.push(c.limite);
    const filas: Fila[] = await this.db.query(
      `SELECT ${COLUMNAS} FROM lectura WHERE ${where.join(' AND ')}
       ORDER BY estampa_tiempo, id LIMIT $${params.length}`,
      params,
    );
    return filas.map(aGuardada);
  }
}

function columnas(lecturas: Lectura[]): [string[], string[], string[], number[]] {
  const series: string[] = [];
  const variables: string[] = [];
  const estampas: string[] = [];
  const valores: number[] = [];
  for (const l of lecturas) {
    series.push(l.numeroSerie);
    variables.push(l.nombreVariable);
    estampas.push(l.estampaTiempo.toISOString());
    valores.push(l.valorVariable);
  }
  return [series, variables, estampas, valores];
}
