// INTERIM: a minimal OCPP-J link until the core's ChargePoint (src/ocpp/) is on
// main (then src/app/csms-link.ts's opener replaces it). Frames only: no schema checks.
import { Hal } from '../../hal/index';
import { CsmsLink, Handlers, LinkOpener } from './csms-link';

export function openLink(hal: Hal): LinkOpener {
  return (url, options, handlers: Handlers, events) => {
    const ws = hal.connect(url, options);
    const pending: { [id: string]: { resolve: (v: any) => void; reject: (e: any) => void; timer: { cancel(): void } } } = {};
    let seq = 0;
    let closed = false;
    const link: CsmsLink = {
      call: (action, payload, uniqueId) =>
        new Promise((resolve, reject) => {
          const id = uniqueId || 'c' + ++seq;
          if (!ws.send(JSON.stringify([2, id, action, payload]))) return reject(new Error('connection closed'));
          const timer = hal.setTimeout(() => {
            delete pending[id];
            reject({ name: 'TimeoutError', message: 'timed out' });
          }, 30000);
          pending[id] = { resolve, reject, timer };
        }),
      isOpen: () => ws.readyState === 'open',
      close: () => ws.close(1000),
    };
    ws.onopen = () => events.opened(link);
    ws.onmessage = (text) => {
      const f = JSON.parse(text);
      if (f[0] === 2) {
        const h = handlers[f[2]];
        if (!h) {
          ws.send(JSON.stringify([4, f[1], 'NotImplemented', '', {}]));
          return;
        }
        ws.send(JSON.stringify([3, f[1], h.on(f[3])]));
        if (h.after) h.after(f[3]);
        return;
      }
      const p = pending[f[1]];
      if (!p) return;
      delete pending[f[1]];
      p.timer.cancel();
      if (f[0] === 3) p.resolve(f[2]);
      else p.reject({ code: f[2], description: f[3], message: f[3] });
    };
    ws.onclose = (code, reason) => {
      if (closed) return;
      closed = true;
      for (const id in pending) {
        pending[id].timer.cancel();
        pending[id].reject(new Error('connection closed'));
      }
      events.closed(code, reason);
    };
  };
}
