import { SingleBar } from 'cli-progress';
import type { CliIo } from './output';

export interface EventProgress {
  done: number;
  total: number;
}

export interface ProgressReport {
  update: (progress: EventProgress) => void;
  stop: () => void;
}

/** Seconds between plain progress lines when stderr is not a terminal: a long run writes a few, a short one none. */
const PLAIN_LINE_EVERY_MS = 10_000;

/**
 * Progress of a long pass over the log, on stderr: a bar with events/s and ETA on a terminal; a
 * plain line every ten seconds otherwise (a log file or CI keeps a few lines, not a redrawn bar).
 */
export function eventProgress(label: string, io: CliIo, stderr: NodeJS.WriteStream = process.stderr): ProgressReport {
  if (stderr.isTTY) return progressBar(label, stderr);
  const started = performance.now();
  let lastLine = started;
  let latest: EventProgress | undefined;
  let wrote = false;
  return {
    update(progress) {
      latest = progress;
      const now = performance.now();
      if (now - lastLine < PLAIN_LINE_EVERY_MS) return;
      lastLine = now;
      wrote = true;
      const percent = progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : 100;
      io.stderr(`${label}: ${progress.done}/${progress.total} events (${percent}%) after ${Math.round((now - started) / 1000)} s\n`);
    },
    stop() {
      if (wrote && latest) io.stderr(`${label}: ${latest.done} events in ${Math.round((performance.now() - started) / 1000)} s\n`);
    },
  };
}

function progressBar(label: string, stream: NodeJS.WriteStream): ProgressReport {
  const bar = new SingleBar({
    format: `${label} |{bar}| {percentage}% {value}/{total} events | {rate} events/s | ETA {eta_formatted}`,
    stream,
    hideCursor: true,
    etaBuffer: 50,
  });
  let started: { at: number; done: number } | undefined;
  return {
    update(progress) {
      if (!started) {
        started = { at: performance.now(), done: progress.done };
        bar.start(Math.max(progress.total, 1), progress.done, { rate: 0 });
        return;
      }
      const seconds = (performance.now() - started.at) / 1000;
      bar.update(progress.done, { rate: seconds > 0 ? Math.round((progress.done - started.done) / seconds) : 0 });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
