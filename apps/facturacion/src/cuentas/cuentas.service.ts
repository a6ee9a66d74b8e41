import { DomainError, InvalidInputError, ultimaDePagina } from '@iot/common';
import { inTransaction } from '@iot/database';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { fechaValida } from '../formatos';
import { auditar, AuditoriaRepository, EntradaAuditoria } from '../auditoria/auditoria.repository';
import { CalendariosRepository } from '../calendarios/calendarios.repository';
import { zonaValida } from '../variables/variables.config';
import { CuentaBody, CuentaPatch } from './cuentas.dto';
import {
  Asignacion,
  AsignacionTarifa,
  Cuenta,
  CuentasRepository,
  DatosCuenta,
} from './cuentas.repository';
import { monedaValida } from './moneda';

export const CUENTAS_CONFIG = Symbol('CUENTAS_CONFIG');

export interface CuentasConfig {
  /** DEFAULT_TIME_ZONE: an account made without a zone gets it. */
  zonaPorDefecto: string;
}

export interface VistaCuenta extends Cuenta {
  dispositivos: Array<Omit<Asignacion, 'cuentaId'>>;
  tarifas: AsignacionTarifa[];
}

class CuentaNoEncontrada extends DomainError {
  constructor(id: string) {
    super('not_found', `no account ${id}`, { cuentaId: id });
  }
}

const datosDe = (c: Cuenta): DatosCuenta => ({
  nombre: c.nombre,
  zona: c.zona,
  moneda: c.moneda,
  decimales: c.decimales,
  diaCiclo: c.diaCiclo,
  calendario: c.calendario,
});

/**
 * Accounts: the rules (zone, currency, cycle), and which devices bill to
 * which account when. Every change is audited in its own transaction.
 */
@Injectable()
export class CuentasService {
  constructor(
    @Inject(CUENTAS_CONFIG) private readonly config: CuentasConfig,
    private readonly repository: CuentasRepository,
    private readonly auditoria: AuditoriaRepository,
    private readonly calendarios: CalendariosRepository,
    @Inject(Pool) private readonly pool: Pool,
  ) {}

  private async validar(b: CuentaBody): Promise<DatosCuenta> {
    const calendario = b.calendario ?? null;
    if (calendario !== null && !(await this.calendarios.exists(calendario))) {
      throw new InvalidInputError([
        { field: 'calendario', reason: `no calendar ${calendario}: add its holidays first` },
      ]);
    }
    return {
      nombre: b.nombre.trim(),
      zona: zonaValida(b.zona, this.config.zonaPorDefecto),
      ...monedaValida(b.moneda),
      diaCiclo: b.diaCiclo ?? null,
      calendario,
    };
  }

  async crear(b: CuentaBody, clave: string): Promise<VistaCuenta> {
    const datos = await this.validar(b);
    const cuenta = await inTransaction(this.pool, async (tx) => {
      const c = await this.repository.insert(tx, datos);
      await auditar(tx, {
        clave,
        entidad: 'cuenta',
        entidadId: c.id,
        accion: 'crear',
        despues: datos,
      });
      return c;
    });
    return { ...cuenta, dispositivos: [], tarifas: [] };
  }

  async actualizar(id: string, p: CuentaPatch, clave: string): Promise<VistaCuenta> {
    await inTransaction(this.pool, async (tx) => {
      const actual = await this.repository.findForUpdate(tx, id);
      if (!actual) throw new CuentaNoEncontrada(id);
      const antes = datosDe(actual);
      const despues = await this.validar({
        nombre: p.nombre ?? actual.nombre,
        zona: p.zona ?? actual.zona,
        moneda: p.moneda ?? actual.moneda,
        diaCiclo: p.diaCiclo === undefined ? actual.diaCiclo : p.diaCiclo,
        calendario: p.calendario === undefined ? actual.calendario : p.calendario,
      });
      if (JSON.stringify(antes) === JSON.stringify(despues)) return;
      await this.repository.update(tx, id, despues);
      await auditar(tx, {
        clave,
        entidad: 'cuenta',
        entidadId: id,
        accion: 'actualizar',
        antes,
        despues,
      });
    });
    return this.ver(id);
  }

  /** The account's own fields (no devices or tariffs): what a statement needs of it. */
  async datos(id: string): Promise<Cuenta> {
    const cuenta = await this.repository.findById(id);
    if (!cuenta) throw new CuentaNoEncontrada(id);
    return cuenta;
  }

  async ver(id: string): Promise<VistaCuenta> {
    const cuenta = await this.repository.findById(id);
    if (!cuenta) throw new CuentaNoEncontrada(id);
    const asignaciones = await this.repository.findAsignacionesDeCuenta(id);
    return {
      ...cuenta,
      tarifas: await this.repository.findTarifasDeCuenta(id),
      dispositivos: asignaciones.map(({ numeroSerie, desde, hasta }) => ({
        numeroSerie,
        desde,
        hasta,
      })),
    };
  }

  async pagina(
    limite: number,
    despuesDe?: string,
  ): Promise<{ cuentas: Cuenta[]; siguiente: string | null }> {
    const cuentas = await this.repository.findPage(limite, despuesDe);
    return { cuentas, siguiente: ultimaDePagina(cuentas, limite)?.id ?? null };
  }

  /**
   * The device bills to this account from `desde`. An assignment in force
   * then (another account) ends at `desde`; one that starts at or after
   * `desde` is a conflict: history is changed by ending it first, never
   * silently. Assigning it again to the account it is in changes nothing.
   */
  async asignar(id: string, numeroSerie: string, desde: Date, clave: string): Promise<VistaCuenta> {
    await inTransaction(this.pool, async (tx) => {
      if (!(await this.repository.findById(id, tx))) throw new CuentaNoEncontrada(id);
      await this.repository.lockDispositivo(tx, numeroSerie);
      const vigentes = await this.repository.findAsignacionesDesde(tx, numeroSerie, desde);
      const posterior = vigentes.find((a) => a.desde >= desde);
      const actual = vigentes.find((a) => a.desde < desde);
      if (posterior) {
        if (posterior.cuentaId === id && posterior.desde.getTime() === desde.getTime()) return;
        throw new DomainError(
          'conflict',
          `device ${numeroSerie} is in account ${posterior.cuentaId} from ${posterior.desde.toISOString()}: end that first`,
          { numeroSerie, cuentaId: posterior.cuentaId, desde: posterior.desde.toISOString() },
        );
      }
      if (actual?.cuentaId === id && actual.hasta === null) return;
      if (actual) await this.repository.cerrarAsignacion(tx, numeroSerie, actual.desde, desde);
      const nueva = await this.repository.insertAsignacion(tx, {
        numeroSerie,
        cuentaId: id,
        desde,
      });
      await auditar(tx, {
        clave,
        entidad: 'cuenta',
        entidadId: id,
        accion: 'asignar_dispositivo',
        antes: actual ?? null,
        despues: nueva,
      });
    });
    return this.ver(id);
  }

  /**
   * The tariff prices the account from the local date `desde`; the one in
   * force then ends that day. One that starts on or after `desde` is a 409
   * (history is not rewritten); the same assignment again changes nothing.
   */
  async asignarTarifa(
    id: string,
    tarifaId: string,
    desde: string,
    clave: string,
  ): Promise<VistaCuenta> {
    fechaValida(desde);
    await inTransaction(this.pool, async (tx) => {
      if (!(await this.repository.findForUpdate(tx, id))) throw new CuentaNoEncontrada(id);
      if (!(await this.repository.existeTarifa(tx, tarifaId))) {
        throw new DomainError('not_found', `no tariff ${tarifaId}`, { tarifaId });
      }
      const tarifas = await this.repository.findTarifasDeCuenta(id, tx);
      const posterior = tarifas.find((a) => a.desde >= desde);
      if (posterior) {
        if (posterior.tarifaId === tarifaId && posterior.desde === desde) return;
        throw new DomainError(
          'conflict',
          `account ${id} has tariff ${posterior.tarifaId} from ${posterior.desde}: end that first`,
          { tarifaId: posterior.tarifaId, desde: posterior.desde },
        );
      }
      const actual = tarifas.find((a) => a.hasta === null || a.hasta > desde);
      if (actual?.tarifaId === tarifaId && actual.hasta === null) return;
      if (actual) await this.repository.cerrarTarifa(tx, id, actual.desde, desde);
      const nueva = await this.repository.insertTarifa(tx, id, tarifaId, desde);
      await auditar(tx, {
        clave,
        entidad: 'cuenta',
        entidadId: id,
        accion: 'asignar_tarifa',
        antes: actual ?? null,
        despues: nueva,
      });
    });
    return this.ver(id);
  }

  /** The device leaves this account at `hasta`. */
  async retirar(id: string, numeroSerie: string, hasta: Date, clave: string): Promise<VistaCuenta> {
    await inTransaction(this.pool, async (tx) => {
      if (!(await this.repository.findById(id, tx))) throw new CuentaNoEncontrada(id);
      await this.repository.lockDispositivo(tx, numeroSerie);
      const vigente = (await this.repository.findAsignacionesDesde(tx, numeroSerie, hasta)).find(
        (a) => a.cuentaId === id && a.desde < hasta,
      );
      if (!vigente) {
        throw new DomainError(
          'not_found',
          `device ${numeroSerie} is not in account ${id} at ${hasta.toISOString()}`,
          { numeroSerie, cuentaId: id },
        );
      }
      const cerrada = await this.repository.cerrarAsignacion(tx, numeroSerie, vigente.desde, hasta);
      await auditar(tx, {
        clave,
        entidad: 'cuenta',
        entidadId: id,
        accion: 'retirar_dispositivo',
        antes: vigente,
        despues: cerrada,
      });
    });
    return this.ver(id);
  }

  async historial(
    id: string,
    limite: number,
    despuesDe?: string,
  ): Promise<{ auditoria: EntradaAuditoria[]; siguiente: string | null }> {
    if (!(await this.repository.findById(id))) throw new CuentaNoEncontrada(id);
    const auditoria = await this.auditoria.findDe('cuenta', id, limite, despuesDe);
    return { auditoria, siguiente: ultimaDePagina(auditoria, limite)?.id ?? null };
  }
}
