import { connect } from 'node:net';

/**
 * Whether something listens at Ollama's default address. Loopback answers at once (connected or
 * refused), so this costs a start-up nothing when Ollama is absent; the timeout only guards
 * against a firewall that drops instead of refusing.
 */
export function probeOllama(timeoutMs = 250): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 11434 });
    const finish = (reachable: boolean): void => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
