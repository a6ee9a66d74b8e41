import { MigrationInterface } from 'typeorm';
import { CreateFacturacion1733184000000 } from './1733184000000-CreateFacturacion';
import { Energia1733443200000 } from './1733443200000-Energia';
import { IndiceCubierto1733529600000 } from './1733529600000-IndiceCubierto';
import { Cuentas1733616000000 } from './1733616000000-Cuentas';
import { Tarifas1733702400000 } from './1733702400000-Tarifas';
import { CuentaTarifa1733788800000 } from './1733788800000-CuentaTarifa';
import { Facturas1733875200000 } from './1733875200000-Facturas';
import { FacturaNumero1733961600000 } from './1733961600000-FacturaNumero';
import { Festivos1734048000000 } from './1734048000000-Festivos';
import { Refacturacion1734134400000 } from './1734134400000-Refacturacion';
import { EnergiaEscala1734220800000 } from './1734220800000-EnergiaEscala';
import { LineaCalidad1734307200000 } from './1734307200000-LineaCalidad';
import { EnergiaDia1734393600000 } from './1734393600000-EnergiaDia';
import { RetencionMuestras1734480000000 } from './1734480000000-RetencionMuestras';

export const migrations: Array<new () => MigrationInterface> = [
  CreateFacturacion1733184000000,
  Energia1733443200000,
  IndiceCubierto1733529600000,
  Cuentas1733616000000,
  Tarifas1733702400000,
  CuentaTarifa1733788800000,
  Facturas1733875200000,
  FacturaNumero1733961600000,
  Festivos1734048000000,
  Refacturacion1734134400000,
  EnergiaEscala1734220800000,
  LineaCalidad1734307200000,
  EnergiaDia1734393600000,
  RetencionMuestras1734480000000,
];
