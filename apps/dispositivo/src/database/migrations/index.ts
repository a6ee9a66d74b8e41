import { CreateLectura1732838400000 } from './1732838400000-CreateLectura';
import { CreateLecturaRechazada1732924800000 } from './1732924800000-CreateLecturaRechazada';
import { RechazadaBytea1733011200000 } from './1733011200000-RechazadaBytea';
import { LecturaXid1733097600000 } from './1733097600000-LecturaXid';
import { MqttSession1733184000000 } from './1733184000000-MqttSession';
import { ValorEnRango1733270400000 } from './1733270400000-ValorEnRango';
import { LecturaCodificada1733356800000 } from './1733356800000-LecturaCodificada';
import { LecturaCompacta1733443200000 } from './1733443200000-LecturaCompacta';
import { LecturaClaveValor1733529600000 } from './1733529600000-LecturaClaveValor';

/** In order; TypeORM records each in the `migrations` table. */
export const migrations = [
  CreateLectura1732838400000,
  CreateLecturaRechazada1732924800000,
  RechazadaBytea1733011200000,
  LecturaXid1733097600000,
  MqttSession1733184000000,
  ValorEnRango1733270400000,
  LecturaCodificada1733356800000,
  LecturaCompacta1733443200000,
  LecturaClaveValor1733529600000,
];
