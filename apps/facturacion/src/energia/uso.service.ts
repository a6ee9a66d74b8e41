import { InvalidInputError } from '@iot/common';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { CsvWriter, decimalCsv, Separador } from '../variables/csv';
import { zonaValida } from '../variables/variables.config';
import { ENERGIA_CONFIG, EnergiaConfig } from './energia.config';
import {
  Agrupacion,
  EnergiaRepository,
  FilaUso,
  findUso,
  Tipo,
  VariableCatalogada,
} from './energia.repository';

/** A bucket of energy as billing staff read it (decimal strings, instants in UTC plus the local start). */
export interface Uso {
  inicio: string;
  /** The bucket's start in the zone, with its offset (a repeated hour shows both). */
  inicioLocal: string;
  fin: string;
  unidad: string | null;
  energia: string;
  cobertura: string;
  calidad: { real: number; estimado: number; faltante: number };
}

const MAX_BUCKETS = 100_000;
const BUCKET_MS: Record<Agrupacion, number> = {
  '15m': 900_000,
  hora: 3_600_000,
  dia: 86_400_000,
  mes: 28 * 86_400_000,
};
const UNIDADES: Record<Tipo, string[]> = {
  contador: ['kWh', 'Wh'],
  instantaneo: ['V', 'A', 'kW', 'W', 'fp'],
};

export function conOffset(utc: Date, offsetS: number): string {
  const local = new Date(utc.getTime() + offsetS * 1000).toISOString().slice(0, 19);
  const sign = offsetS < 0 ? '-' : '+';
  const abs = Math.abs(offsetS);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/**
 * Intervals without any source (no unit) are folded into their bucket's first
 * row with a unit, as `faltante` counts; a bucket with nothing else keeps
 * one row with unit null and energy 0.
 */
function sinVacias(filas: FilaUso[]): FilaUso[] {
  const out: FilaUso[] = [];
  for (const f of filas) {
    const previa = out.at(-1);
    if (f.unidad === null && previa && previa.inicio.getTime() === f.inicio.getTime()) {
      previa.faltante += f.faltante;
    } else out.push({ ...f });
  }
  return out;
}

/** The catalog, device settings and the usage queries of billing staff. */
@Injectable()
export class UsoService {
  constructor(
    @Inject(ENERGIA_CONFIG) private readonly config: EnergiaConfig,
    private readonly repository: EnergiaRepository,
    @Inject(Pool) private readonly pool: Pool,
  ) {}

  catalogo(): Promise<VariableCatalogada[]> {
    return this.repository.findCatalogo();
  }

  async declarar(nombre: string, tipo: Tipo, unidad: string): Promise<void> {
    if (!UNIDADES[tipo].includes(unidad)) {
      throw new InvalidInputError([
        { field: 'unidad', reason: `a ${tipo} is in ${UNIDADES[tipo].join(' or ')}` },
      ]);
    }
    await this.repository.saveCatalogo(nombre, tipo, unidad);
  }

  /** A device's settings (null: the defaults); its days are marked for recomputation. */
  async configurar(
    numeroSerie: string,
    b: { factorPotencia?: number | null; tensionNominal?: number | null },
  ): Promise<{
    numeroSerie: string;
    factorPotencia: number | null;
    tensionNominal: number | null;
  }> {
    const medicion = {
      factorPotencia: b.factorPotencia ?? null,
      tensionNominal: b.tensionNominal ?? null,
    };
    await this.repository.saveMedicion(numeroSerie, medicion);
    return { numeroSerie, ...medicion };
  }

  /** desde < hasta, and no more buckets than a response should hold. */
  periodo(desde: Date, hasta: Date, bucketMs: number): void {
    if (hasta <= desde)
      throw new InvalidInputError([{ field: 'hasta', reason: 'must be after desde' }]);
    if ((hasta.getTime() - desde.getTime()) / bucketMs > MAX_BUCKETS) {
      throw new InvalidInputError([
        {
          field: 'hasta',
          reason: `the range holds more than ${MAX_BUCKETS} buckets: narrow it or use a wider intervalo`,
        },
      ]);
    }
  }

  async uso(q: {
    numeroSerie: string;
    desde: Date;
    hasta: Date;
    intervalo?: Agrupacion;
    zona?: string;
  }): Promise<{ numeroSerie: string; intervalo: Agrupacion; zona: string; energia: Uso[] }> {
    const intervalo = q.intervalo ?? 'hora';
    const zona = zonaValida(q.zona);
    const intervaloMs = this.config.parametros.intervaloMs;
    if (intervalo === '15m' && intervaloMs > 900_000) {
      throw new InvalidInputError([
        {
          field: 'intervalo',
          reason: `finer than the computed intervals (${intervaloMs / 60_000} minutes)`,
        },
      ]);
    }
    this.periodo(q.desde, q.hasta, BUCKET_MS[intervalo]);
    const filas = await findUso(
      this.pool,
      q.numeroSerie,
      q.desde,
      q.hasta,
      intervalo,
      zona,
      intervaloMs / 1000,
    );
    return {
      numeroSerie: q.numeroSerie,
      intervalo,
      zona,
      energia: sinVacias(filas).map((f) => ({
        inicio: f.inicio.toISOString(),
        inicioLocal: conOffset(f.inicio, f.offsetS),
        fin: f.fin.toISOString(),
        unidad: f.unidad,
        energia: f.energia,
        cobertura: f.cobertura,
        calidad: { real: f.real, estimado: f.estimado, faltante: f.faltante },
      })),
    };
  }

  usoCsv(energia: Uso[], separador: Separador): string[] {
    const csv = new CsvWriter(separador);
    return [
      csv.row([
        'inicio',
        'inicioLocal',
        'fin',
        'unidad',
        'energia',
        'cobertura',
        'real',
        'estimado',
        'faltante',
      ]),
      ...energia.map((u) =>
        csv.row([
          u.inicio,
          u.inicioLocal,
          u.fin,
          u.unidad,
          decimalCsv(u.energia, separador),
          decimalCsv(u.cobertura, separador),
          u.calidad.real,
          u.calidad.estimado,
          u.calidad.faltante,
        ]),
      ),
    ];
  }
}
