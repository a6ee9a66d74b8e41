import { decodeCursor, DomainError, encodeCursor, InvalidInputError } from '@iot/common';
import { LecturaRespuesta, PaginaLecturas } from '@iot/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { CsvWriter, Separador } from './csv';
import { ConsultasConfig, zonaValida } from './variables.config';
import { ConsultaLecturasFacturadasDto, ConsultaResumenDto, LIMITE_JSON } from './variables.dto';
import {
  Bucket,
  Filtro,
  LecturaFacturada,
  VariableFacturada,
  VariablesRepository,
} from './variables.repository';

export const CONSULTAS_CONFIG = Symbol('CONSULTAS_CONFIG');

/** Buckets one summary may hold. */
const MAX_BUCKETS = 100_000;
/** Rows read per query while a CSV streams. */
const CSV_PAGE = 5000;

export class VariableDesconocidaError extends DomainError {
  constructor(nombre: string) {
    super('not_found', `no billed variable ${nombre}`, { nombreVariable: nombre });
  }
}

export interface Resumen {
  nombreVariable: string;
  intervalo: string;
  zona: string;
  resumen: Bucket[];
}

const CABECERA_LECTURAS = [
  'idDispositivo',
  'nombreVariable',
  'numeroSerie',
  'estampaTiempo',
  'valorVariable',
];

@Injectable()
export class VariablesService {
  constructor(
    private readonly repository: VariablesRepository,
    @Inject(CONSULTAS_CONFIG) private readonly config: ConsultasConfig,
  ) {}

  findAll(): Promise<VariableFacturada[]> {
    return this.repository.findAll();
  }

  async page(nombre: string, q: ConsultaLecturasFacturadasDto): Promise<PaginaLecturas> {
    const limite = q.limite ?? 1000;
    if (limite > LIMITE_JSON) {
      throw new InvalidInputError([
        { field: 'limite', reason: `must be at most ${LIMITE_JSON} (formato=csv streams more)` },
      ]);
    }
    const filtro = await this.filtro(nombre, q);
    const after = q.despuesDe ? decodeCursor(q.despuesDe) : undefined;
    const filas = await this.repository.findPage(nombre, filtro, after, limite);
    const ultima = filas.length === limite ? filas[filas.length - 1] : undefined;
    return {
      lecturas: filas.map((f) => respuesta(nombre, f)),
      siguiente: ultima
        ? encodeCursor({ estampaTiempo: ultima.estampaTiempo, id: ultima.idDispositivo })
        : null,
    };
  }

  /** Checks the query before the first byte (errors are JSON), then streams CSV page by page. */
  async csv(
    nombre: string,
    q: ConsultaLecturasFacturadasDto,
    separador: Separador,
  ): Promise<AsyncGenerator<string>> {
    const filtro = await this.filtro(nombre, q);
    const after = q.despuesDe ? decodeCursor(q.despuesDe) : undefined;
    return this.csvRows(nombre, filtro, after, q.limite ?? Number.MAX_SAFE_INTEGER, separador);
  }

  private async *csvRows(
    nombre: string,
    filtro: Filtro,
    after: ReturnType<typeof decodeCursor> | undefined,
    limite: number,
    separador: Separador,
  ): AsyncGenerator<string> {
    const csv = new CsvWriter(separador);
    yield csv.row(CABECERA_LECTURAS);
    let cursor = after;
    for (let left = limite; left > 0;) {
      const want = Math.min(CSV_PAGE, left);
      const filas = await this.repository.findPage(nombre, filtro, cursor, want);
      if (filas.length > 0) {
        yield filas
          .map((f) =>
            csv.row([
              f.idDispositivo,
              nombre,
              f.numeroSerie,
              f.estampaTiempo.toISOString(),
              f.valorVariable,
            ]),
          )
          .join('');
        const last = filas[filas.length - 1];
        cursor = { estampaTiempo: last.estampaTiempo, id: last.idDispositivo };
      }
      if (filas.length < want) break;
      left -= filas.length;
    }
  }

  async summarize(nombre: string, q: ConsultaResumenDto): Promise<Resumen> {
    const zona = zonaValida(q.zona, this.config.defaultZone);
    const filtro = await this.filtro(nombre, q);
    const intervalo = q.intervalo ?? 'dia';
    const buckets = await this.repository.summarize(
      nombre,
      intervalo,
      zona,
      filtro,
      q.porDispositivo ?? false,
      MAX_BUCKETS + 1,
    );
    if (buckets.length > MAX_BUCKETS) {
      throw new InvalidInputError([
        {
          field: 'intervalo',
          reason: `the summary has more than ${MAX_BUCKETS} buckets: narrow desde/hasta or use a longer intervalo`,
        },
      ]);
    }
    return { nombreVariable: nombre, intervalo, zona, resumen: buckets };
  }

  summaryCsv(r: Resumen, separador: Separador, porDispositivo: boolean): string[] {
    const csv = new CsvWriter(separador);
    const head = [
      'inicio',
      'fin',
      ...(porDispositivo ? ['numeroSerie'] : []),
      'cantidad',
      'minimo',
      'maximo',
      'promedio',
      'suma',
    ];
    return [
      csv.row(head),
      ...r.resumen.map((b) =>
        csv.row([
          b.inicio,
          b.fin,
          ...(porDispositivo ? [b.numeroSerie] : []),
          b.cantidad,
          b.minimo,
          b.maximo,
          b.promedio,
          b.suma,
        ]),
      ),
    ];
  }

  /** 404 for a variable never billed, 400 for an empty range. */
  private async filtro(nombre: string, q: Filtro): Promise<Filtro> {
    if (!(await this.repository.exists(nombre))) throw new VariableDesconocidaError(nombre);
    if (q.desde && q.hasta && q.hasta <= q.desde) {
      throw new InvalidInputError([{ field: 'hasta', reason: 'must be after desde' }]);
    }
    return { numeroSerie: q.numeroSerie, desde: q.desde, hasta: q.hasta };
  }
}

function respuesta(nombre: string, f: LecturaFacturada): LecturaRespuesta {
  return {
    idDispositivo: f.idDispositivo,
    nombreVariable: nombre,
    numeroSerie: f.numeroSerie,
    estampaTiempo: f.estampaTiempo.toISOString(),
    valorVariable: f.valorVariable,
  };
}
