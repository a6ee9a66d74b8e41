import { DomainError, InvalidInputError, ultimaDePagina } from '@iot/common';
import { inTransaction } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { fechaValida } from '../formatos';
import { auditar } from '../auditoria/auditoria.repository';
import { validarVersion } from './tarifa';
import { desdeUrdb, haciaUrdb, RegistroUrdb } from './urdb';
import { TarifaBody, VersionBody } from './tarifas.dto';
import { Tarifa, TarifasRepository, Version } from './tarifas.repository';

export interface VistaTarifa extends Tarifa {
  versiones: Version[];
}

class TarifaNoEncontrada extends DomainError {
  constructor(id: string) {
    super('not_found', `no tariff ${id}`, { tarifaId: id });
  }
}

/**
 * Tariffs: versions are added, never edited (the database refuses an edit
 * too). A new version starts after the latest and ends it the day before.
 */
@Injectable()
export class TarifasService {
  constructor(
    private readonly repository: TarifasRepository,
    @Inject(Pool) private readonly pool: Pool,
  ) {}

  async crear(b: TarifaBody, clave: string): Promise<VistaTarifa> {
    const definicion = validarVersion(b.definicion);
    const desde = fechaValida(b.desde);
    const id = await inTransaction(this.pool, async (tx) => {
      const t = await this.repository
        .insert(tx, b.nombre.trim())
        .catch((error: { code?: string }) => {
          if (error.code === '23505') {
            throw new DomainError('conflict', `a tariff is already named ${b.nombre.trim()}`, {
              nombre: b.nombre.trim(),
            });
          }
          throw error;
        });
      const v = await this.repository.insertVersion(tx, t.id, desde, definicion);
      await auditar(tx, {
        clave,
        entidad: 'tarifa',
        entidadId: t.id,
        accion: 'crear',
        despues: { nombre: t.nombre, version: v },
      });
      return t.id;
    });
    return this.ver(id);
  }

  async nuevaVersion(id: string, b: VersionBody, clave: string): Promise<VistaTarifa> {
    const definicion = validarVersion(b.definicion);
    const desde = fechaValida(b.desde);
    await inTransaction(this.pool, async (tx) => {
      if (!(await this.repository.findById(id, tx, true))) throw new TarifaNoEncontrada(id);
      const ultima = (await this.repository.findVersiones(id, tx)).at(-1);
      if (ultima && (desde <= ultima.desde || (ultima.hasta !== null && desde < ultima.hasta))) {
        throw new DomainError(
          'conflict',
          `a new version must start after the latest one (${ultima.desde}): versions are never rewritten`,
          { desde: ultima.desde },
        );
      }
      if (ultima && ultima.hasta === null)
        await this.repository.cerrarVersion(tx, ultima.id, desde);
      const v = await this.repository.insertVersion(tx, id, desde, definicion);
      await auditar(tx, {
        clave,
        entidad: 'tarifa',
        entidadId: id,
        accion: 'nueva_version',
        antes: ultima ?? null,
        despues: v,
      });
    });
    return this.ver(id);
  }

  /** A tariff from a URDB record: its name (or `nombre`) and its first version from `startdate`. */
  async crearDesdeUrdb(
    nombre: string | undefined,
    r: RegistroUrdb,
    clave: string,
  ): Promise<VistaTarifa> {
    const { version, desde } = desdeUrdb(r);
    const elegido = nombre ?? (typeof r.name === 'string' ? r.name : undefined);
    if (!elegido || !desde) {
      throw new InvalidInputError([
        ...(elegido
          ? []
          : [{ field: 'nombre', reason: 'is required when the record has no name' }]),
        ...(desde
          ? []
          : [{ field: 'startdate', reason: 'is required to know when the version starts' }]),
      ]);
    }
    return this.crear({ nombre: elegido, desde, definicion: version }, clave);
  }

  /** A version as a URDB record (the latest, or `versionId`). */
  async urdb(id: string, versionId?: string): Promise<RegistroUrdb> {
    const t = await this.ver(id);
    const v = versionId ? t.versiones.find((x) => x.id === versionId) : t.versiones.at(-1);
    if (!v)
      throw new DomainError('not_found', `tariff ${id} has no version ${versionId ?? ''}`.trim(), {
        tarifaId: id,
      });
    return haciaUrdb(v.definicion, t.nombre, v.desde);
  }

  /** A version by its own id, with its tariff's id and name. */
  async version(versionId: string): Promise<Version & { tarifaId: string; tarifa: string }> {
    const v = await this.repository.findVersion(versionId);
    if (!v) {
      throw new DomainError('not_found', `no tariff version ${versionId}`, { versionId });
    }
    return v;
  }

  async ver(id: string): Promise<VistaTarifa> {
    const t = await this.repository.findById(id);
    if (!t) throw new TarifaNoEncontrada(id);
    return { ...t, versiones: await this.repository.findVersiones(id) };
  }

  async pagina(
    limite: number,
    despuesDe?: string,
  ): Promise<{ tarifas: Tarifa[]; siguiente: string | null }> {
    const tarifas = await this.repository.findPage(limite, despuesDe);
    return { tarifas, siguiente: ultimaDePagina(tarifas, limite)?.id ?? null };
  }
}
