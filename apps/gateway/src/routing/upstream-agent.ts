import * as http from 'node:http';

/** What a proxied request tells the agent. */
export interface UpstreamRequestOptions extends http.RequestOptions {
  /** Called once the socket is connected (at once for a reused one). */
  onConnected?: () => void;
  /** No byte for this long: the request is destroyed with an UpstreamTimeoutError. */
  idleTimeoutMs?: number;
}

export class UpstreamTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * The keep-alive agent for calls to the instances. It tells a request when its
 * socket is connected: the point after which a refused connection, the one
 * failure safe to retry with a body, can no longer happen. It applies the
 * idle timeout per request (express-http-proxy's own `timeout` adds a socket
 * listener per request and never removes it, which leaks on kept-alive
 * sockets), and turns Nagle off (headers and a piped body are separate writes).
 */
export class UpstreamAgent extends http.Agent {
  addRequest(req: http.ClientRequest, options: UpstreamRequestOptions): void {
    const { onConnected, idleTimeoutMs } = options;
    if (idleTimeoutMs) {
      req.setTimeout(idleTimeoutMs, () =>
        req.destroy(new UpstreamTimeoutError(`no byte for ${idleTimeoutMs} ms`)),
      );
    }
    req.once('socket', (socket) => {
      socket.setNoDelay(true);
      if (!onConnected) return;
      if (socket.connecting) socket.once('connect', onConnected);
      else onConnected();
    });
    (
      http.Agent.prototype as unknown as { addRequest(r: unknown, o: unknown): void }
    ).addRequest.call(this, req, options);
  }
}
