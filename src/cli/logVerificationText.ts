import type { Checkpoint, LoggedEvent, LogVerification, MissingEvent, PlacedChainBreak, WindowDifference } from '../eventstore';

/** Events of a rewritten window printed for people; --json lists up to the window's size. */
const EVENTS_PRINTED = 20;

/** `events verify --against` for people: what matches, or what changed and where. */
export function renderLogVerification(report: LogVerification): string {
  const scope = report.through ? `the event log up to ${at(report.through)}` : 'the event log (the digest is of an empty log)';
  const since = report.appendedSince > 0 ? `; ${plural(report.appendedSince, 'event')} appended since, not covered by the digest` : '';
  if (report.ok) {
    return `${scope}: ${plural(report.events.now, 'event')} in ${plural(report.streams.now, 'stream')} match the digest (head ${report.digestHead.slice(0, 16)}…)${since}\n`;
  }
  const lines = [`${scope} differs from the digest (head ${report.digestHead.slice(0, 16)}…):`];
  lines.push(`  events: ${report.events.digest} in the digest, ${report.events.now} now${change(report.events)}; streams: ${report.streams.digest} in the digest, ${report.streams.now} now${change(report.streams)}`);
  if (report.truncated) {
    const { lastEventNow, fromWindow, missingFromThere } = report.truncated;
    const windows = fromWindow === report.windows - 1 ? `window ${fromWindow} misses` : `windows ${fromWindow} to ${report.windows - 1} miss`;
    lines.push(
      `  cut at the end: the digest's last event, ${at(report.through!)}, is gone; ` +
        `${lastEventNow ? `up to there the log now ends at ${at(lastEventNow)}, in window ${fromWindow}` : 'no event up to there is left'}; ${windows} ${plural(missingFromThere, 'event')}`,
    );
  }
  for (const window of report.differingWindows) lines.push(...renderWindow(window, report.chain.breaks.some((link) => link.window === window.index)));
  if (report.chain.brokenCount > 0) {
    lines.push(`  hash chain: ${plural(report.chain.brokenCount, 'broken link')} in ${report.chain.eventsChecked} events up to the digest's end:`);
    lines.push(...report.chain.breaks.slice(0, EVENTS_PRINTED).map((link) => `    ${renderBreak(link)}`));
    if (report.chain.brokenCount > EVENTS_PRINTED) lines.push(`    … and ${report.chain.brokenCount - EVENTS_PRINTED} more (--json lists up to 1000)`);
  } else {
    lines.push(`  hash chain: intact over ${report.chain.eventsChecked} events up to the digest's end`);
  }
  if (report.appendedSince > 0) lines.push(`  ${plural(report.appendedSince, 'event')} appended since the digest are not covered by it`);
  return `${lines.join('\n')}\n`;
}

/** One line for the error: how much differs, against which file. */
export function summarizeLogVerification(report: LogVerification, file: string): string {
  const parts: string[] = [];
  if (report.differingWindows.length > 0) parts.push(`${plural(report.differingWindows.length, 'window')} of ${report.windows} differ (${report.differingWindows.map((w) => w.index).join(', ')})`);
  if (report.events.now !== report.events.digest) parts.push(`${report.events.digest - report.events.now} event(s) ${report.events.now < report.events.digest ? 'missing' : 'added'}`);
  if (report.streams.now < report.streams.digest) parts.push(`${plural(report.streams.digest - report.streams.now, 'stream')} gone`);
  if (report.truncated) parts.push('cut at the end');
  if (report.chain.brokenCount > 0) parts.push(plural(report.chain.brokenCount, 'broken link'));
  return `the event log differs from ${file} up to ${at(report.through!)}: ${parts.join('; ')}`;
}

function renderWindow(window: WindowDifference, chainBrokenThere: boolean): string[] {
  const range = `window ${window.index}, ${window.after ? `after ${at(window.after)}` : 'from the start'} through ${at(window.through)}`;
  const counts = window.actualEvents === window.expectedEvents ? `${plural(window.actualEvents, 'event')} as in the digest` : `${plural(window.actualEvents, 'event')}, the digest has ${window.expectedEvents}`;
  const what = {
    missing: 'events missing',
    added: 'events added',
    rewritten: `the same streams and versions with other hashes or places in the order: rewritten${chainBrokenThere ? '' : ', and the hash chain recomputed after the change, since it still holds'}`,
    replaced: 'other streams or versions than the digest’s',
  }[window.change];
  const lines = [`  ${range}: ${counts}; ${what}`];
  lines.push(...runsOf(window.missing).map((run) => `    missing: ${renderMissing(run)}`));
  if (window.unnamedMissing > 0) {
    lines.push(`    missing: ${plural(window.unnamedMissing, 'event')} no stream left in the log accounts for (a whole stream deleted, or the last events of several streams)`);
  }
  lines.push(...window.added.map((event) => `    added: ${renderEvent(event)}`));
  if (window.events) {
    lines.push(`    its events now (the changed ones are among them):`);
    lines.push(...window.events.slice(0, EVENTS_PRINTED).map((event) => `      ${renderEvent(event)}`));
    if (window.events.length > EVENTS_PRINTED) lines.push(`      … and ${window.events.length - EVENTS_PRINTED} more (--json lists them all)`);
  }
  return lines;
}

/** Missing events of one stream with consecutive versions, for one line. */
type MissingRun = MissingEvent & { lastVersion: number };

function runsOf(missing: readonly MissingEvent[]): MissingRun[] {
  const runs: MissingRun[] = [];
  for (const event of missing) {
    const previous = runs[runs.length - 1];
    if (previous && previous.streamId === event.streamId && previous.where === event.where && previous.lastVersion === event.version - 1) previous.lastVersion = event.version;
    else runs.push({ ...event, lastVersion: event.version });
  }
  return runs;
}

function renderMissing(run: MissingRun): string {
  const versions = run.lastVersion === run.version ? `version ${run.version}` : `versions ${run.version}–${run.lastVersion}`;
  if (run.where === 'gap') return `${run.streamId} ${versions} (later versions remain: a gap in the stream)`;
  const which = run.lastVersion === run.version ? 'its last event' : 'its last events';
  return `${run.streamId} ${versions} (${which} up to the digest's end: the stream now ends at version ${run.streamNowEndsAt})`;
}

function renderEvent(event: LoggedEvent): string {
  return `${event.streamId} version ${event.version} ${event.type} at ${at(event)}, ${event.createdAt}`;
}

function renderBreak(link: PlacedChainBreak): string {
  const where = `${link.streamId} version ${link.version} at ${at(link)} in window ${link.window}`;
  const missingFrom = (link.previousVersion ?? 0) + 1;
  if (missingFrom < link.version) {
    const versions = missingFrom === link.version - 1 ? `version ${missingFrom} is` : `versions ${missingFrom}–${link.version - 1} are`;
    return `${where}: ${versions} missing before it`;
  }
  return `${where}: stores hash ${link.storedHash.slice(0, 16)}… but its content and predecessor give ${link.recomputedHash.slice(0, 16)}…`;
}

function at(key: Checkpoint): string {
  return `global position ${key.globalPosition} (transaction ${key.transactionId})`;
}

function change({ digest, now }: { digest: number; now: number }): string {
  return now === digest ? '' : now < digest ? ` (${digest - now} fewer)` : ` (${now - digest} more)`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
