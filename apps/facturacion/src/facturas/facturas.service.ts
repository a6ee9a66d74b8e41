import { createLogger, DomainError, forEachConcurrently, InvalidInputError } from '@iot/common';
import { tryAdvisoryLock } from '@iot/database';
import { Pool } from 'pg';
import { Inject, Injectable } from '@nestjs/common';
import { FACTURAS_CONFIG, FacturasConfig } from './facturas.config';
import { CuentasService } from '../cuentas/cuentas.service';
import { tiempoPorHora } from '../energia/consumo-horario';
import { ConsumoRepository } from '../energia/consumo.repository';
import Decimal from 'decimal.js';
import type { Cuenta } from '../cuentas/cuentas.repository';
import { PERIODO } from '../formatos';
import { Borrador, construirFactura, Consumo } from './factura';
import type { DatosPdf } from './factura-pdf';
import { horaLocal } from './hora-local';
import { Factura, FacturasRepository } from './facturas.repository';
import { NumeracionRepository } from './numeracion.repository';
import { RefacturacionRepository, VersionElegida } from './refacturacion.repository';
import type { LineaFactura } from './factura';

/** Another lock key than the sync's and the energy job's. */
const FACTURAS_LOCK_KEY = 7_318_004_213;
const DIA_MS = 86_400_000;
const CUENTAS_A_LA_VEZ = 4;

/** The billing period (YYYY-MM) holding `t` for an account: from its cycle day, in its zone. */
export function periodoDe(t: Date, zona: string, diaCiclo: number): string {
  const [y, m, d] = horaLocal(t.getTime(), zona).fecha.split('-').map(Number);
  const [anio, mes] = d >= diaCiclo ? [y, m] : m === 1 ? [y - 1, 12] : [y, m - 1];
  return `${anio}-${String(mes).padStart(2, '0')}`;
}

/**
 * Statements: a period's draft is built from the account's devices (while
 * they were in it), their energy (the metering context's intervals) and the
 * tariff versions in force, and rebuilt on request while it is a draft.
 */
@Injectable()
export class FacturasService {
  private readonly log = createLogger('facturas');

  constructor(
    @Inject(FACTURAS_CONFIG) private readonly config: FacturasConfig,
    @Inject(Pool) private readonly pool: Pool,
    private readonly repository: FacturasRepository,
    private readonly numeracion: NumeracionRepository,
    private readonly refacturaciones: RefacturacionRepository,
    private readonly cuentas: CuentasService,
    private readonly energia: ConsumoRepository,
  ) {}

  /**
   * Builds (or rebuilds) the period's draft: its own lines, then an
   * adjustment for each earlier final statement whose energy changed after
   * it was final (what it would be now, less what it was and what final
   * statements already adjusted it by). A final statement never changes.
   */
  async borrador(cuentaId: string, periodo: string): Promise<Factura & { lineas: LineaFactura[] }> {
    const m = PERIODO.exec(periodo);
    if (!m)
      throw new InvalidInputError([
        { field: 'periodo', reason: 'must be a month, YYYY-MM, from 1900' },
      ]);
    const p = await this.repository.findPeriodo(cuentaId, periodo);
    if (!p) throw new DomainError('not_found', `no account ${cuentaId}`, { cuentaId });
    const { cuenta, desde, hasta, elegida, hayFinales } = p;
    const b = await this.calcular(cuenta, desde, hasta, elegida);
    if (hayFinales) for (const ajuste of await this.ajustes(cuenta, desde)) b.lineas.push(ajuste);
    b.total = b.lineas
      .reduce((t, l) => t.plus(l.importe), new Decimal(0))
      .toFixed(cuenta.decimales);
    const guardada = await this.repository.saveBorrador(
      cuentaId,
      periodo,
      desde,
      hasta,
      cuenta.moneda,
      b,
    );
    if (!guardada) {
      throw new DomainError(
        'conflict',
        `the statement of ${periodo} is final: corrections are adjustments`,
        { periodo },
      );
    }
    return guardada;
  }

  /**
   * A period of the account priced from the energy as it is now: by the
   * tariff versions in force, or all of it by `elegida` (a re-rating).
   */
  async calcular(
    cuenta: Cuenta,
    desde: Date,
    hasta: Date,
    elegida?: VersionElegida,
  ): Promise<Borrador> {
    const piezas = await this.repository.findPiezas(cuenta.id, desde, hasta, cuenta.zona);
    const consumos: Consumo[] = [];
    for (const d of piezas.dispositivos) {
      consumos.push({
        numeroSerie: d.numeroSerie,
        desde: d.desde.getTime(),
        hasta: d.hasta.getTime(),
        horas: await this.energia.findConsumoHorario(d.numeroSerie, d.desde, d.hasta, cuenta.zona),
        tiempo: tiempoPorHora(
          await this.energia.findHorasLocales(d.desde.getTime(), d.hasta.getTime(), cuenta.zona),
          d.desde.getTime(),
          d.hasta.getTime(),
        ),
      });
    }
    const tramos = (elegida ? [{ ...elegida, desde, hasta }] : piezas.tramos).map((t) => ({
      ...t,
      desde: t.desde.getTime(),
      hasta: t.hasta.getTime(),
    }));
    return construirFactura({
      desde: desde.getTime(),
      hasta: hasta.getTime(),
      zona: cuenta.zona,
      decimales: cuenta.decimales,
      festivos: new Set(piezas.festivos),
      consumos,
      tramos,
    });
  }

  /**
   * Adjustment lines for final statements of periods before `desde` whose
   * energy changed since they were final, or that were re-rated since.
   */
  private async ajustes(cuenta: Cuenta, desde: Date): Promise<LineaFactura[]> {
    const lineas: LineaFactura[] = [];
    const finales = await this.repository.findFinalesAnteriores(cuenta.id, desde);
    const elegidas = await this.refacturaciones.findUltimas(cuenta.id);
    // a few queries per draft whatever the number of final statements
    const cambiadas = await this.energia.findCambiados(
      finales.map((f) => ({
        series: f.series,
        desde: f.desde,
        hasta: f.hasta,
        despuesDe: f.finalizadaEn,
      })),
    );
    for (const [k, f] of finales.entries()) {
      const elegida = elegidas.get(f.periodo);
      const refacturada = elegida !== undefined && elegida.en > f.finalizadaEn;
      if (!refacturada && !cambiadas[k]) continue;
      const ahora = await this.calcular(cuenta, f.desde, f.hasta, elegida);
      const ya = await this.repository.sumAjustesFinales(f.id);
      const delta = new Decimal(ahora.total).minus(f.totalPropio).minus(ya);
      if (delta.isZero()) continue;
      const energia = new Decimal(ahora.energia).minus(f.energia);
      const motivos = [
        ...(energia.isZero()
          ? []
          : [`${energia.isNeg() ? '' : '+'}${energia.toFixed()} de energía`]),
        ...(elegida ? [`refacturada con ${elegida.tarifa} (versión ${elegida.versionId})`] : []),
      ];
      lineas.push({
        tipo: 'ajuste',
        concepto: `Ajuste de ${f.serie}-${(f.numero ?? '').padStart(6, '0')} (${f.periodo}): ${motivos.join(', ')}`,
        cantidad: '1',
        unidad: 'ajuste',
        precioUnitario: delta.toFixed(cuenta.decimales),
        importe: delta.toFixed(cuenta.decimales),
        versionId: null,
        tarifa: null,
        ajustaFacturaId: f.id,
        desde: f.desde.toISOString(),
        hasta: f.hasta.toISOString(),
      });
    }
    return lineas;
  }

  /**
   * The statements job: a draft of the current period for every account with
   * devices; drafts rebuilt when their energy (or an earlier final
   * statement's, for adjustments) changed; drafts whose period ended more
   * than GRACIA_DIAS ago rebuilt one last time and made final, unless they
   * have problems. One runner at a time; undefined if another has the lock.
   */
  async programado(
    ahora = new Date(),
  ): Promise<{ creadas: number; recalculadas: number; finalizadas: number } | undefined> {
    const lock = await tryAdvisoryLock(this.pool, FACTURAS_LOCK_KEY);
    if (!lock) return undefined;
    try {
      const cuenta = { creadas: 0, recalculadas: 0, finalizadas: 0 };
      // accounts are independent: a few at once keep PostgreSQL and Node busy together
      await forEachConcurrently(
        await this.repository.findCuentasConDispositivos(),
        CUENTAS_A_LA_VEZ,
        async (id) => {
          const c = await this.cuentas.datos(id);
          const periodo = periodoDe(ahora, c.zona, c.diaCiclo ?? 1);
          if (!(await this.repository.existsFactura(id, periodo))) {
            await this.borrador(id, periodo);
            cuenta.creadas++;
          }
        },
      );
      const borradores = await this.repository.findBorradores();
      const vencida = (f: Factura) =>
        f.hasta.getTime() + this.config.graciaDias * DIA_MS <= ahora.getTime();
      const actuales = new Map<string, Factura>();
      await forEachConcurrently(borradores, CUENTAS_A_LA_VEZ, async (f) => {
        let actual = f;
        if (vencida(f) || (await this.cambio(f))) {
          actual = await this.borrador(f.cuentaId, f.periodo);
          cuenta.recalculadas++;
        }
        actuales.set(f.id, actual);
      });
      // numbers in the drafts' order (oldest period first), one at a time
      for (const f of borradores) {
        const actual = actuales.get(f.id)!;
        if (vencida(f) && actual.problemas.length === 0) {
          const r = await this.numeracion.finalizar(
            actual.id,
            actual.calculadaEn,
            this.config.serie,
            'programado',
          );
          if (r.resultado === 'final') cuenta.finalizadas++;
        }
      }
      if (cuenta.creadas + cuenta.recalculadas + cuenta.finalizadas > 0) {
        this.log.info(cuenta, 'statements job');
      }
      return cuenta;
    } finally {
      await lock.release();
    }
  }

  /**
   * Whether the draft's energy, or an earlier final statement's, was
   * recomputed after the draft, or its account (devices, tariff, settings,
   * holidays) changed.
   */
  private async cambio(f: Factura): Promise<boolean> {
    if (await this.repository.existsCambiosDeCuenta(f.cuentaId, f.calculadaEn)) return true;
    const suyos = await this.repository.findDispositivos(f.cuentaId, f.desde, f.hasta);
    const finales = await this.repository.findFinalesAnteriores(f.cuentaId, f.desde);
    const cambiados = await this.energia.findCambiados(
      [{ ...f, series: suyos.map((d) => d.numeroSerie) }, ...finales].map((x) => ({
        series: x.series,
        desde: x.desde,
        hasta: x.hasta,
        despuesDe: f.calculadaEn,
      })),
    );
    return cambiados.some(Boolean);
  }

  /** Finalises a reviewed draft (`revisada`: the calculadaEn it was reviewed at). */
  async finalizar(
    id: string,
    revisada: Date,
    clave: string,
  ): Promise<Factura & { lineas: LineaFactura[] }> {
    const r = await this.numeracion.finalizar(id, revisada, this.config.serie, clave);
    switch (r.resultado) {
      case 'final':
        return this.ver(id);
      case 'no_encontrada':
        throw new DomainError('not_found', `no statement ${id}`, { facturaId: id });
      case 'ya_final':
        throw new DomainError('conflict', `statement ${id} is already final`, { facturaId: id });
      case 'cambiada':
        throw new DomainError(
          'conflict',
          'the draft was rebuilt after that review: review it again (its calculadaEn)',
          { facturaId: id },
        );
      case 'problemas':
        throw new DomainError('conflict', 'this draft cannot be final', { problemas: r.problemas });
    }
  }

  /** What the PDF shows besides the statement: the account and the period's local days. */
  async documento(id: string): Promise<DatosPdf> {
    const factura = await this.ver(id);
    const cuenta = await this.cuentas.datos(factura.cuentaId);
    return {
      factura,
      cuenta: { id: cuenta.id, nombre: cuenta.nombre, zona: cuenta.zona },
      dias: {
        primero: horaLocal(factura.desde.getTime(), cuenta.zona).fecha,
        ultimo: horaLocal(factura.hasta.getTime() - 1, cuenta.zona).fecha,
      },
    };
  }

  /** An account's statements (404 for an unknown account), newest first. */
  async deCuenta(cuentaId: string): Promise<{ facturas: Factura[] }> {
    await this.cuentas.ver(cuentaId);
    return { facturas: await this.repository.findByCuenta(cuentaId, 120) };
  }

  async ver(id: string): Promise<Factura & { lineas: LineaFactura[] }> {
    const f = await this.repository.findById(id);
    if (!f) throw new DomainError('not_found', `no statement ${id}`, { facturaId: id });
    return f;
  }
}
