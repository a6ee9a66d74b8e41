import type { Request } from 'express';
import { Readable, Transform, TransformCallback } from 'node:stream';

/**
 * A request body that can be sent again to another instance when the first
 * one refused the connection. Bytes are kept only until the chosen instance's
 * connection is established (then nothing can have been refused and the body
 * streams on unrecorded), so a large upload is never held whole.
 */
export class ReplayableBody {
  private recorded: Buffer[] = [];
  private recording = true;
  private source: Readable;

  constructor(req: Request) {
    this.source = req;
  }

  /** A stream for one attempt: the bytes recorded so far, then the rest of the body. */
  attempt(): Readable {
    const recorded = this.recorded;
    this.recorded = [];
    this.recording = true;
    const rest = this.source;
    const tap = new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) => {
        if (this.recording) this.recorded.push(chunk);
        done(null, chunk);
      },
    });
    Readable.from(
      (async function* () {
        yield* recorded;
        for await (const chunk of rest) yield chunk as Buffer;
      })(),
    ).pipe(tap);
    this.source = tap;
    return tap;
  }

  /** The instance accepted the connection: stop keeping bytes. */
  connected(): void {
    this.recording = false;
    this.recorded = [];
  }
}

/** The request as express-http-proxy sees it for one attempt: same headers, this body. */
export function withBody(req: Request, body: Readable): Request {
  const facade = Object.create(req) as Request & { pipe: Readable['pipe'] };
  facade.pipe = ((dest: NodeJS.WritableStream, opts?: { end?: boolean }) =>
    body.pipe(dest, opts)) as Readable['pipe'];
  return facade;
}
