// The diagnosis worker: streams dropped files chunk by chunk into a Diagnoser, so the page stays responsive and a
// 100 MB export never sits in memory twice. Messages out: {type: 'progress'|'done'|'error', ...}.
import { init, Diagnoser } from 'iothub-errors';

/** At most one progress message per this many milliseconds. */
const PROGRESS_EVERY_MS = 100;

let cancelled = false;

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (message.type !== 'diagnose') return;
  cancelled = false;
  try {
    await init();
    const files = message.files;
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const started = performance.now();
    const diagnoser = new Diagnoser();
    let done = 0;
    let lastPost = 0;
    for (const [index, file] of files.entries()) {
      if (index > 0) diagnoser.nextInput();
      const reader = file.stream().getReader();
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        if (cancelled) {
          await reader.cancel();
          diagnoser.free();
          self.postMessage({ type: 'cancelled' });
          return;
        }
        diagnoser.push(value);
        done += value.length;
        const now = performance.now();
        if (now - lastPost >= PROGRESS_EVERY_MS) {
          lastPost = now;
          self.postMessage({ type: 'progress', done, total, records: diagnoser.recordsRead, file: file.name });
        }
      }
    }
    self.postMessage({ type: 'progress', done, total, records: diagnoser.recordsRead, file: '' });
    const report = diagnoser.finish();
    self.postMessage({
      type: 'done',
      report,
      files: files.map((file) => ({ name: file.name, size: file.size })),
      seconds: (performance.now() - started) / 1000,
    });
  } catch (error) {
    self.postMessage({ type: 'error', message: String(error && error.message ? error.message : error) });
  }
};
