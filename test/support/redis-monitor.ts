import { once } from 'node:events';
import { connect } from 'node:net';

/**
 * Runs `work` while Redis's MONITOR at `port` prints every command it runs (Bull's scripts' own commands too), each
 * line given to `onLine`; resolves once every command run before `work` ended has been seen. Read on a plain socket:
 * ioredis's monitor mode loses track of its replies when Bull's blocking commands show up in it.
 */
export async function monitored<T>(port: number, onLine: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const socket = connect({ port, host: '127.0.0.1' });
  let pending = '';
  let pongs = 0;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\r\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line === '+PONG') pongs++;
      else onLine(line);
    }
  });
  socket.write('MONITOR\r\n');
  await once(socket, 'data');
  try {
    const result = await work();
    // What MONITOR prints comes in order: once a PING on this socket is answered, every command before it is in.
    const answered = pongs + 1;
    socket.write('PING\r\n');
    while (pongs < answered) await once(socket, 'data');
    return result;
  } finally {
    socket.destroy();
  }
}
