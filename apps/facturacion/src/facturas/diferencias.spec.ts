import { diferencias } from './diferencias';
import type { Linea } from './tarificacion';

const l = (tipo: Linea['tipo'], concepto: string, cantidad: string, importe: string): Linea => ({
  tipo,
  concepto,
  cantidad,
  unidad: tipo === 'energia' ? 'kWh' : 'periodo',
  precioUnitario: '0',
  importe,
});

describe('diferencias', () => {
  it('adds a concept up across tariff pieces, pairs it with its re-rated line, and names what appears or goes', () => {
    const antes = [
      l('energia', 'Punta', '120', '108000.00'),
      l('cargo_fijo', 'Cargo fijo', '0.483870967742', '5973.71'),
      l('cargo_fijo', 'Cargo fijo', '0.516129032258', '6371.96'),
      l('energia', 'Valle, bloque 2', '20', '14000.00'),
    ];
    const despues = [
      l('energia', 'Punta', '120', '120000.00'),
      l('cargo_fijo', 'Cargo fijo', '1', '12345.67'),
      l('demanda', 'Demanda máxima', '120', '1200'),
    ];
    expect(diferencias(antes, despues, 2)).toEqual([
      {
        tipo: 'energia',
        concepto: 'Punta',
        antes: { cantidad: '120', unidad: 'kWh', importe: '108000.00' },
        despues: { cantidad: '120', unidad: 'kWh', importe: '120000.00' },
        diferencia: '12000.00',
      },
      {
        tipo: 'cargo_fijo',
        concepto: 'Cargo fijo',
        antes: { cantidad: '1', unidad: 'periodo', importe: '12345.67' },
        despues: { cantidad: '1', unidad: 'periodo', importe: '12345.67' },
        diferencia: '0.00',
      },
      {
        tipo: 'energia',
        concepto: 'Valle, bloque 2',
        antes: { cantidad: '20', unidad: 'kWh', importe: '14000.00' },
        despues: null,
        diferencia: '-14000.00',
      },
      {
        tipo: 'demanda',
        concepto: 'Demanda máxima',
        antes: null,
        despues: { cantidad: '120', unidad: 'periodo', importe: '1200.00' },
        diferencia: '1200.00',
      },
    ]);
  });
});
