import { SingleBar } from 'cli-progress';
import type { CliIo } from './output';

export interface EventProgress {
  done: number;
  total: number;
  /** What the pass is doing now, for passes with more than one step (a rebuild's fold, then its catch-up). */
  phase?: string;
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
      const phase = progress.phase ? `, ${progress.phase}` : '';
      io.stderr(`${label}: ${progress.done}/${progress.total} events (${percent}%${phase}) after ${Math.round((now - started) / 1000)} s\n`);
    },
    stop() {
      if (wrote && latest) io.stderr(`${label}: ${latest.done} events in ${Math.round((performance.now() - started) / 1000)} s\n`);
    },
  };
}

function progressBar(label: string, stream: NodeJS.WriteStream): ProgressReport {
  const bar = new SingleBar({
    format: `${label} |{bar}| {percentage}% {value}/{total} events | {rate} events/s | ETA {eta_formatted}{phase}`,
    stream,
    hideCursor: true,
    etaBuffer: 50,
  });
  let started: { at: number; done: number } | undefined;
  return {
    update(progress) {
      const phase = progress.phase ? ` | ${progress.phase}` : '';
      if (!started) {
        started = { at: performance.now(), done: progress.done };
        bar.start(Math.max(progress.total, 1), progress.done, { rate: 0, phase });
        return;
      }
      const seconds = (performance.now() - started.at) / 1000;
      // A pass whose total was an estimate (a rebuild catching up with new events) may run past it.
      if (progress.done > bar.getTotal()) bar.setTotal(progress.done);
      bar.update(progress.done, { rate: seconds > 0 ? Math.round((progress.done - started.done) / seconds) : 0, phase });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
