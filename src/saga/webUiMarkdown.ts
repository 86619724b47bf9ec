/**
 * Markdown for the Temporal Web UI's User Metadata boxes (a run's details, static or current),
 * lines joined, ending with a blank paragraph.
 *
 * The UI renders the markdown in an iframe and sizes it once, on load, to the body's scrollHeight,
 * which leaves out the page's margins above the body's first block (the body's own 8px and the
 * first paragraph's 1em, which collapse through it) and its bottom margin: the frame is some 14px
 * shorter than the content, so the bottom of whatever comes last is hidden, in a step table its
 * last row. The blank paragraph is what comes last, so only it is hidden.
 */
/** A paragraph of it is blank but kept (the UI's renderer escapes `&nbsp;`). */
const NO_BREAK_SPACE = '\u00a0';

export function webUiMarkdown(lines: readonly string[]): string {
  return [...lines, '', NO_BREAK_SPACE].join('\n');
}
