import { OptionalInt } from '@iot/http';

export class ConsultaRechazadasDto {
  @OptionalInt(1000)
  limite?: number;

  /** The `siguiente` of the previous page (an id): older dead letters. */
  @OptionalInt(Number.MAX_SAFE_INTEGER)
  antesDe?: number;
}
