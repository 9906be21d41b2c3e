/**
 * W3 on the wire: every answer reaches the client, whether or not the request's body was read.
 *
 * Node closes a connection that ends with its answer (`Connection: close`, HTTP/1.0, an answer of
 * ours that closes) by destroying the socket once the answer is written. Bytes the client is still
 * sending then meet a closed socket, the kernel answers them with a TCP reset, and a client that
 * reads only after writing its whole body loses the answer it was sent. Closing cleanly instead
 * means: send the answer and a FIN (a half-close), keep reading and discarding what the client still
 * sends, and close once it has sent everything (its FIN), or once it has sent more than
 * DRAIN_LIMIT bytes, or after DRAIN_GRACE_MS: a bound on what an endless sender costs.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Bytes discarded after the answer at most, before the connection is cut. */
export const DRAIN_LIMIT = 64 * 1024 * 1024;
/** How long a half-closed connection waits for the client's FIN at most. */
export const DRAIN_GRACE_MS = 10_000;

/**
 * Ends `socket` after what was written to it, discarding what still comes in (see the module). While
 * Node's HTTP parser still reads the socket it discards the rest of the body itself and no 'data'
 * event fires: then the client's FIN or the grace period ends the connection.
 */
export function closeGracefully(socket: Duplex): void {
  if (socket.destroyed) return;
  const net = socket as Socket;
  const start = typeof net.bytesRead === 'number' ? net.bytesRead : 0;
  const cut = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(cut, DRAIN_GRACE_MS);
  timer.unref();
  socket.once('end', cut);
  socket.once('close', () => clearTimeout(timer));
  socket.on('data', () => {
    if ((net.bytesRead ?? 0) - start > DRAIN_LIMIT) cut();
  });
  socket.on('error', cut);
  socket.end();
  socket.resume();
  restartReading(socket);
}

interface StreamHandle {
  reading?: boolean;
  readStart?: () => number;
}

/**
 * Node's HTTP parser reads the socket's handle itself, and stops it (readStop) while a request's body
 * waits for a reader. Once the body is dumped the handle may stay stopped: the socket stream counts as
 * flowing, so resume() starts nothing. Reading must go on for the client's FIN (and the discarded
 * bytes) to arrive, so the handle is started again here, as net.Socket's own resume would.
 */
function restartReading(socket: Duplex): void {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (handle && handle.reading === false && typeof handle.readStart === 'function') {
    handle.reading = true;
    handle.readStart();
  }
}

/**
 * Makes Node's own close of a connection (after an answer that ends it) the clean one above. Node
 * calls `destroySoon` there; for every other end of a connection nothing changes.
 */
export function closeCleanlyOnDestroySoon(socket: Socket): void {
  socket.destroySoon = function destroySoon(this: Socket): void {
    closeGracefully(this);
  };
}
