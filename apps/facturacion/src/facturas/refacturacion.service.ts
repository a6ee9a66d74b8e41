import { DomainError } from '@iot/common';
import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { CuentasService } from '../cuentas/cuentas.service';
import { TarifasService } from '../tarifas/tarifas.service';
import { Diferencia, diferencias } from './diferencias';
import type { LineaFactura } from './factura';
import { Factura, FacturasRepository } from './facturas.repository';
import { FacturasService } from './facturas.service';
import { RefacturacionRepository } from './refacturacion.repository';

export interface Refacturacion {
  facturaId: string;
  periodo: string;
  estado: Factura['estado'];
  version: { id: string; tarifaId: string; tarifa: string };
  /** The statement's own lines (adjustments apart), before and after, and the difference. */
  antes: string;
  despues: string;
  diferencia: string;
  lineas: Diferencia[];
  problemas: string[];
  aplicada: boolean;
  /** Once applied: the draft it rebuilt (the period's own, or the next one with the adjustment). */
  factura?: Factura & { lineas: LineaFactura[] };
}

/** The month after YYYY-MM. */
function siguiente(periodo: string): string {
  const [y, m] = periodo.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * Re-rating: a period priced again, all of it, with a chosen tariff version.
 * A dry run answers the line-by-line diff; applied to a draft it rebuilds
 * the draft with that version, applied to a final statement it leaves it as
 * it is and the difference becomes an adjustment on the account's next
 * draft (the adjustments' own rule: what it would be now, less what it was
 * and what final statements already adjusted it by).
 */
@Injectable()
export class RefacturacionService {
  constructor(
    private readonly facturas: FacturasService,
    private readonly repository: FacturasRepository,
    private readonly refacturaciones: RefacturacionRepository,
    private readonly cuentas: CuentasService,
    private readonly tarifas: TarifasService,
  ) {}

  async refacturar(
    cuentaId: string,
    periodo: string,
    versionId: string,
    aplicar: boolean,
    clave: string,
  ): Promise<Refacturacion> {
    const cuenta = await this.cuentas.datos(cuentaId);
    const f = await this.repository.findByPeriodo(cuentaId, periodo);
    if (!f) {
      throw new DomainError(
        'not_found',
        `account ${cuentaId} has no statement of ${periodo}: build its draft first`,
        { cuentaId, periodo },
      );
    }
    const v = await this.tarifas.version(versionId);
    const nueva = await this.facturas.calcular(cuenta, f.desde, f.hasta, {
      versionId: v.id,
      tarifa: v.tarifa,
      definicion: v.definicion,
      en: new Date(),
    });
    const propias = f.lineas.filter((l) => l.tipo !== 'ajuste');
    const antes = propias.reduce((t, l) => t.plus(l.importe), new Decimal(0));
    const vista: Refacturacion = {
      facturaId: f.id,
      periodo,
      estado: f.estado,
      version: { id: v.id, tarifaId: v.tarifaId, tarifa: v.tarifa },
      antes: antes.toFixed(cuenta.decimales),
      despues: nueva.total,
      diferencia: new Decimal(nueva.total).minus(antes).toFixed(cuenta.decimales),
      lineas: diferencias(propias, nueva.lineas, cuenta.decimales),
      problemas: nueva.problemas,
      aplicada: false,
    };
    if (!aplicar) return vista;
    if (f.estado === 'anulada') {
      throw new DomainError('conflict', `statement ${f.id} is void`, { facturaId: f.id });
    }
    if (nueva.problemas.length > 0) {
      throw new DomainError('conflict', 'this version cannot price the period', {
        problemas: nueva.problemas,
      });
    }
    await this.refacturaciones.insertRefacturacion(f.id, v.id, clave);
    return {
      ...vista,
      aplicada: true,
      factura: await this.facturas.borrador(
        cuentaId,
        f.estado === 'borrador' ? periodo : await this.siguienteBorrador(cuentaId, periodo),
      ),
    };
  }

  /** The first period after `periodo` whose statement is not final (a draft, or none yet). */
  private async siguienteBorrador(cuentaId: string, periodo: string): Promise<string> {
    const finales = await this.refacturaciones.findPeriodosFinales(cuentaId, siguiente(periodo));
    let p = siguiente(periodo);
    while (finales.has(p)) p = siguiente(p);
    return p;
  }
}
