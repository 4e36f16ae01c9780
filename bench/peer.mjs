// Starts bench/csms-process.mjs as a child and hands back its URL and a stop().
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const SCRIPT = fileURLToPath(new URL('./csms-process.mjs', import.meta.url));

export async function startCsmsProcess({ heartbeatInterval = 300 } = {}) {
  const child = spawn(process.execPath, [SCRIPT, '--heartbeat-interval', String(heartbeatInterval)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the benchmark CSMS exited with ${code} before listening`)));
    lines.on('line', (line) => {
      const m = /^listening (\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
