import type { vars } from "@wails/go/models";

/** A variable's place in rendered text, in string (UTF-16) indexes. */
export interface Mark {
  start: number;
  end: number;
  span: vars.Span;
}

/** toMarks turns Go's byte offsets into string indexes of text. */
export function toMarks(text: string, spans: vars.Span[]): Mark[] {
  if (spans.length === 0) return [];
  // byte offset → string index, walking the text once.
  const at = new Map<number, number>();
  const wanted = new Set(spans.flatMap((s) => [s.start, s.end]));
  let bytes = 0;
  for (let i = 0; i <= text.length; i++) {
    if (wanted.has(bytes)) at.set(bytes, i);
    if (i === text.length) break;
    const c = text.codePointAt(i)!;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (c >= 0x10000) i++; // a surrogate pair is one code point
  }
  return spans.flatMap((s) => {
    const start = at.get(s.start);
    const end = at.get(s.end);
    return start === undefined || end === undefined ? [] : [{ start, end, span: s }];
  });
}

/** markTitle is what hovering a marked value says. */
export const markTitle = (s: vars.Span) => (s.missing ? `{{${s.name}}} is not set` : `{{${s.name}}} — ${s.source}`) + (s.unsafe ? `. ${s.unsafe}` : "");

/** markElement wraps the marked ranges of the text nodes under root's
 * `.cl` elements (chroma's code cells: their text, line after line, is the
 * rendered text) in <mark> elements. For HTML React does not manage. */
export function markElement(root: HTMLElement, marks: Mark[]) {
  if (marks.length === 0) return;
  const nodes: { node: Text; start: number }[] = [];
  let offset = 0;
  for (const cl of root.querySelectorAll(".cl")) {
    const walker = document.createTreeWalker(cl, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n as Text;
      nodes.push({ node: t, start: offset });
      offset += t.data.length;
    }
  }
  // From the end, so splitting a node never moves a later mark's node.
  for (const m of [...marks].reverse()) {
    for (let k = nodes.length - 1; k >= 0; k--) {
      const { node, start } = nodes[k];
      const end = start + node.data.length;
      if (end <= m.start || start >= m.end) continue;
      const from = Math.max(m.start, start) - start;
      const to = Math.min(m.end, end) - start;
      const range = document.createRange();
      range.setStart(node, from);
      range.setEnd(node, to);
      const mark = document.createElement("mark");
      mark.className = markClass(m.span);
      mark.title = markTitle(m.span);
      range.surroundContents(mark);
    }
  }
}

export const markClass = (s: vars.Span) => (s.missing ? "var var-missing" : s.unsafe ? "var var-unsafe" : "var");
