import { InvalidInputError } from '@iot/common';
import { HttpExceptionFilter } from '@iot/http';
import { ArgumentsHost, Catch } from '@nestjs/common';
import { countLecturas, countRechazos, rechazoDe } from './lecturas.metrics';

/**
 * A single reading refused by validation never reaches the service (the pipe
 * throws first): counted here, then answered like any other error.
 */
@Catch(InvalidInputError)
export class EnvioRechazadaFilter extends HttpExceptionFilter {
  override catch(error: InvalidInputError, host: ArgumentsHost): void {
    countLecturas('http', 'rejected');
    countRechazos('http', rechazoDe(error.errors[0]?.field ?? '(body)'));
    super.catch(error, host);
  }
}
