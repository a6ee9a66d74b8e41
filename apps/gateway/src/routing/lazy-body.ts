import { Readable } from 'node:stream';

/**
 * The request body as a stream for one attempt, reading from the client only
 * when the upstream client reads. undici reads a body only once its
 * connection is established and destroys it when the request fails: with a
 * lazy wrapper, a refused connection leaves the client's bytes unread, and
 * the next attempt wraps the same request again.
 */
export class LazyBody extends Readable {
  private readonly onReadable = (): void => this.pull();
  private readonly onEnd = (): void => {
    this.push(null);
  };
  private readonly onError = (error: Error): void => {
    this.destroy(error);
  };
  // a client that goes away mid-body: without this the upstream request would wait for
  // the rest forever (and hold shutdown until the server's request timeout)
  private readonly onClose = (): void => {
    if (!this.source.readableEnded) this.destroy(new Error('the client went away mid-body'));
  };
  private waiting = false;

  constructor(private readonly source: Readable) {
    super();
  }

  override _read(): void {
    this.pull();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.detach();
    callback(error);
  }

  private pull(): void {
    for (;;) {
      const chunk = this.source.read() as Buffer | null;
      if (chunk === null) break;
      if (!this.push(chunk)) return;
    }
    if (this.source.readableEnded) {
      this.push(null);
      this.detach();
      return;
    }
    if (!this.waiting) {
      this.waiting = true;
      this.source.on('readable', this.onReadable);
      this.source.once('end', this.onEnd);
      this.source.once('error', this.onError);
      this.source.once('close', this.onClose);
    }
  }

  private detach(): void {
    this.waiting = false;
    this.source.off('readable', this.onReadable);
    this.source.off('end', this.onEnd);
    this.source.off('error', this.onError);
    this.source.off('close', this.onClose);
  }
}
