package report

import (
	"fmt"
	"strings"
)

// diffLine is one line of a unified diff: Kind is ' ' (context), '-'
// (only in the old text), '+' (only in the new) or '@' (a hunk header).
// Text has no line break; NoEOL marks a last line without one.
type diffLine struct {
	Kind  byte
	Text  string
	NoEOL bool
}

// maxEdits bounds the search for the shortest edit script; texts further
// apart than this show as all removed, then all added.
const maxEdits = 2000

// contextLines is the unchanged lines shown around each change.
const contextLines = 3

// unifiedDiff compares two texts line by line and returns the hunks of a
// unified diff (without the ---/+++ header); nil when they are equal.
func unifiedDiff(a, b string) []diffLine {
	if a == b {
		return nil
	}
	x, y := splitLines(a), splitLines(b)
	ops := editScript(x, y)

	// Group the script into hunks with contextLines of context.
	var out []diffLine
	n := len(ops)
	for i := 0; i < n; {
		// Find the next change.
		for i < n && ops[i].kind == ' ' {
			i++
		}
		if i == n {
			break
		}
		start := max(0, i-contextLines)
		// Extend while changes are closer than 2*contextLines apart.
		end := i
		for end < n {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < n && ops[run].kind == ' ' {
				run++
			}
			if run == n || run-end > 2*contextLines {
				end = min(run, end+contextLines)
				break
			}
			end = run
		}
		oldStart, newStart := ops[start].ai, ops[start].bi
		var oldN, newN int
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				oldN++
			}
			if o.kind != '-' {
				newN++
			}
		}
		out = append(out, diffLine{Kind: '@', Text: fmt.Sprintf("@@ -%s +%s @@", hunkRange(oldStart, oldN), hunkRange(newStart, newN))})
		for _, o := range ops[start:end] {
			line := x
			idx := o.ai
			if o.kind == '+' {
				line, idx = y, o.bi
			}
			text := line[idx]
			noEOL := !strings.HasSuffix(text, "\n")
			out = append(out, diffLine{Kind: o.kind, Text: strings.TrimSuffix(text, "\n"), NoEOL: noEOL})
		}
		i = end
	}
	return out
}

// hunkRange is the "start,count" of a hunk header (1-based; an empty range
// names the line before it, as diff -u does).
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// unifiedText renders hunks as the text of a unified diff with headers.
func unifiedText(oldName, newName string, hunks []diffLine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", oldName, newName)
	for _, l := range hunks {
		if l.Kind == '@' {
			b.WriteString(l.Text)
		} else {
			b.WriteByte(l.Kind)
			b.WriteString(l.Text)
		}
		b.WriteByte('\n')
		if l.NoEOL {
			b.WriteString("\\ No newline at end of file\n")
		}
	}
	return b.String()
}

// splitLines cuts s after each line break; the last line may lack one.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

type editOp struct {
	kind   byte // ' ', '-', '+'
	ai, bi int  // index in a (for ' ' and '-') and position in b
}

// editScript is a shortest edit script from x to y (Myers' O(ND)
// algorithm), after cutting the common prefix and suffix. Every op carries
// the positions in both texts where it applies.
func editScript(x, y []string) []editOp {
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var ops []editOp
	for i := 0; i < pre; i++ {
		ops = append(ops, editOp{' ', i, i})
	}
	mid := myers(x[pre:len(x)-suf], y[pre:len(y)-suf])
	for _, o := range mid {
		ops = append(ops, editOp{o.kind, o.ai + pre, o.bi + pre})
	}
	for i := 0; i < suf; i++ {
		ops = append(ops, editOp{' ', len(x) - suf + i, len(y) - suf + i})
	}
	return ops
}

func myers(a, b []string) []editOp {
	n, m := len(a), len(b)
	replace := func() []editOp {
		ops := make([]editOp, 0, n+m)
		for i := 0; i < n; i++ {
			ops = append(ops, editOp{'-', i, 0})
		}
		for j := 0; j < m; j++ {
			ops = append(ops, editOp{'+', n, j})
		}
		return ops
	}
	if n == 0 || m == 0 {
		return replace()
	}
	limit := min(n+m, maxEdits)
	// v[k+off] is the furthest x on diagonal k; trace[d] is v before step d,
	// over the diagonals -d-1..d+1 it can read.
	off := limit + 1
	v := make([]int, 2*off+1)
	var trace [][]int
	found := -1
	for d := 0; d <= limit && found < 0; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		return replace()
	}
	// Walk back from (n, m) through the trace.
	var rev []editOp
	x, y := n, m
	for d := found; d >= 0; d-- {
		vd := trace[d]
		at := func(k int) int { return vd[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := 0
		if d > 0 {
			prevX = at(prevK)
		}
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, editOp{' ', x, y})
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, editOp{'+', x, prevY})
			} else {
				rev = append(rev, editOp{'-', prevX, y})
			}
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
