package report

import (
	"fmt"
	"html"
	"strings"

	"shipdeck/backend/highlight"
	"shipdeck/backend/internal/sticky"
)

// The HTML report is one self-contained page for printing or archiving:
// inline CSS only, a Content-Security-Policy that lets nothing load (no
// scripts, fonts, frames or remote images), a light theme, and each
// cluster's steps starting on a new printed page. Every text from the
// database goes through esc (or chroma, which escapes too).

const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

const pageCSS = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; color: var(--fg); background: #fff;
  font: 13px/1.45 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 20px 0 6px; }
h4 { font-size: 13px; margin: 16px 0 4px; }
h1, h2, h3, h4 { break-after: avoid; }
p { margin: 4px 0 10px; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
td.t { white-space: nowrap; }
th { background: var(--soft); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.facts { width: auto; }
table.facts th { width: 130px; }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.ns { color: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.big { font-size: 28px; font-weight: 700; margin: 0; }
.bar { height: 8px; background: #eaeef2; border-radius: 4px; overflow: hidden; margin: 6px 0 12px; display: flex; }
.bar span { display: block; height: 100%; }
.bar .done, .st.done { background: #1a7f37; }
.bar .skipped, .st.skipped { background: #9a6700; }
.bar .reverted, .st.reverted { background: #cf222e; }
.st { display: inline-block; padding: 0 6px; border-radius: 9px; color: #fff; font-size: 11px; font-weight: 600; white-space: nowrap; }
.st.pending { background: #eaeef2; color: #1f2328; }
.tag { font-size: 11px; color: #8250df; font-weight: 600; white-space: nowrap; }
.held { border-left: 3px solid #9a6700; padding-left: 8px; }
.block { break-inside: avoid; margin: 10px 0 16px; }
.diff { border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.diff pre { margin: 0; padding: 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.diff span { display: block; padding: 0 8px; }
.diff .add { background: #dafbe1; }
.diff .del { background: #ffebe9; }
.diff .hunk { color: #0550ae; background: #ddf4ff; }
.diff .meta { color: var(--muted); }
.code { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; overflow: hidden; }
.code pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.code table.lntable { margin: 0; width: auto; }
.code table.lntable td { border: 0; padding: 0 4px; }
section.cluster { break-before: page; }
.customer { margin-top: 14px; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { padding: 0; max-width: none; } }
`

// esc escapes text for HTML; line breaks become <br>.
func esc(s string) string {
	s = html.EscapeString(s)
	if strings.ContainsAny(s, "\r\n") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "<br>")
	}
	return s
}

// statusClass is the CSS class of a known step status, else "".
func statusClass(s string) string {
	switch s {
	case "done", "skipped", "reverted", "pending":
		return s
	}
	return ""
}

func statusBadge(s string) string {
	return fmt.Sprintf(`<span class="st %s">%s</span>`, statusClass(s), esc(s))
}

func htmlCustomer(c *customerInfo) string {
	return fmt.Sprintf(`%s <span class="ns">%s</span>`, esc(c.Name), esc(c.Namespace))
}

func htmlCounts(w *sticky.Writer, first string, p progressCells) {
	w.Printf("<tr>%s", first)
	for _, v := range p {
		w.Printf(`<td class="n">%s</td>`, v)
	}
	w.Print("</tr>\n")
}

type progressCells []string

func writeHTML(r *run, w *sticky.Writer) error {
	styles, err := highlight.NewService().Styles()
	if err != nil {
		return fmt.Errorf("highlight styles: %w", err)
	}
	title := "Release report: " + r.rel.Name
	w.Printf(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="%s">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Shipdeck">
<title>%s</title>
<style>%s
/* Code highlighting (chroma, light theme) */
%s</style>
</head>
<body>
`, csp, esc(title), pageCSS, styles.Light)

	// Facts.
	w.Printf("<header>\n<h1>%s</h1>\n<table class=\"facts\">\n", esc(title))
	for _, f := range r.facts() {
		w.Printf("<tr><th>%s</th><td>%s</td></tr>\n", esc(f[0]), esc(f[1]))
	}
	w.Print("</table>\n</header>\n")

	// Summary.
	p := r.counted
	w.Print("<section class=\"summary\">\n<h2>Summary</h2>\n")
	w.Printf("<p class=\"big\">%d%%</p>\n<p>done or skipped: %s.</p>\n", p.Percent, esc(summarySentence(r)))
	w.Print(`<div class="bar">`)
	if p.Total > 0 {
		for _, part := range []struct {
			class string
			n     int
		}{{"done", p.Done}, {"skipped", p.Skipped}, {"reverted", p.Reverted}} {
			if part.n > 0 {
				w.Printf(`<span class="%s" style="width:%.2f%%"></span>`, part.class, float64(part.n)*100/float64(p.Total))
			}
		}
	}
	w.Print("</div>\n")
	w.Print(`<table><thead><tr><th class="n">Done</th><th class="n">Skipped</th><th class="n">Reverted</th><th class="n">Pending</th><th class="n">Total</th><th class="n">Progress</th></tr></thead><tbody>` + "\n")
	htmlCounts(w, "", countCells(p))
	w.Print("</tbody></table>\n")
	if len(r.clusters) > 0 {
		w.Print("<h3>By cluster</h3>\n")
		w.Print(`<table><thead><tr><th>Cluster</th><th class="n">Customers</th><th class="n">On hold</th><th class="n">Done</th><th class="n">Skipped</th><th class="n">Reverted</th><th class="n">Pending</th><th class="n">Total</th><th class="n">Progress</th></tr></thead><tbody>` + "\n")
		for _, cl := range r.clusters {
			htmlCounts(w, fmt.Sprintf(`<td>%s</td><td class="n">%d</td><td class="n">%d</td>`, esc(cl.Name), cl.Customers, cl.Held), countCells(cl.Progress))
		}
		w.Print("</tbody></table>\n")
	}
	if r.heldCount > 0 {
		w.Print("<h3>On hold</h3>\n")
		w.Printf("<p>Held customers are counted apart: their %s are not in the figures above.</p>\n", esc(plural(r.held.Total, "step")))
		w.Print(`<table><thead><tr><th>Customer</th><th>Cluster</th><th>Since</th><th>By</th><th>Reason</th><th class="n">Steps done or skipped</th></tr></thead><tbody>` + "\n")
		for _, c := range r.customers {
			if c.Hold == nil {
				continue
			}
			w.Printf(`<tr><td>%s</td><td>%s</td><td class="t">%s</td><td>%s</td><td>%s</td><td class="n">%d of %d</td></tr>`+"\n",
				htmlCustomer(c), esc(c.Cluster), r.timestamp(c.Hold.At), esc(c.Hold.By), esc(c.Hold.Reason),
				c.Progress.Done+c.Progress.Skipped, c.Progress.Total)
		}
		w.Print("</tbody></table>\n")
	}
	w.Print("</section>\n")
	if w.Err() != nil {
		return w.Err()
	}

	// Exceptions.
	counts, err := r.countExceptions()
	if err != nil {
		return err
	}
	w.Print("<section class=\"exceptions\">\n<h2>Exceptions</h2>\n")
	for _, sec := range exceptionSections {
		n := counts[sec.kind]
		w.Printf("<h3>%s (%d)</h3>\n", esc(sec.title), n)
		if n == 0 {
			w.Printf("<p class=\"muted\">%s</p>\n", esc(sec.none))
			continue
		}
		if err := htmlExceptions(r, w, sec.kind); err != nil {
			return err
		}
		if w.Err() != nil {
			return w.Err()
		}
	}
	w.Print("</section>\n")

	// Steps, one section per cluster.
	if len(r.customers) == 0 {
		w.Print("<section class=\"cluster\">\n<h2>Steps</h2>\n<p class=\"muted\">The selection holds no customers.</p>\n")
	}
	cluster := int64(0)
	err = r.eachCustomer(false, func(c *customerInfo, steps []step) error {
		if c.ClusterID != cluster {
			if cluster != 0 {
				w.Print("</section>\n")
			}
			cluster = c.ClusterID
			cl := c.clusterInfo
			w.Printf("<section class=\"cluster\">\n<h2>Steps on %s</h2>\n<p class=\"muted\">%s; %d%% done or skipped (%s).</p>\n",
				esc(cl.Name), esc(plural(cl.Customers, "customer")), cl.Progress.Percent, esc(countsText(cl.Progress)))
		}
		class := "customer"
		if c.Hold != nil {
			class += " held"
		}
		w.Printf("<div class=\"%s\">\n<h3>%s</h3>\n<p>%s: %d%% (%s).", class, htmlCustomer(c), customerStateText(c), c.Progress.Percent, countsText(c.Progress))
		if c.Hold != nil {
			w.Printf(" <strong>On hold</strong> since %s by %s: %s", r.timestamp(c.Hold.At), esc(c.Hold.By), esc(c.Hold.Reason))
		}
		w.Print("</p>\n")
		if len(steps) == 0 {
			w.Print("<p class=\"muted\">No steps.</p>\n</div>\n")
			return w.Err()
		}
		w.Print(`<table class="steps"><thead><tr><th>#</th><th>Step</th><th>Type</th><th>Status</th><th>By</th><th>When</th><th>Notes</th></tr></thead><tbody>` + "\n")
		for i := range steps {
			s := &steps[i]
			name := esc(s.Name)
			if tag := sourceTag(s); tag != "" {
				name += ` <span class="tag">` + esc(tag) + `</span>`
			}
			w.Printf("<tr><td class=\"t\">%s %d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"t\">%s</td><td>%s</td></tr>\n",
				categoryTitle(s.Category), s.Position, name, esc(s.Type), statusBadge(s.Status), esc(s.ExecutedBy), r.when(s.ExecutedAt), htmlNotes(s))
		}
		w.Print("</tbody></table>\n</div>\n")
		return w.Err()
	})
	if err != nil {
		return err
	}
	if cluster != 0 || len(r.customers) == 0 {
		w.Print("</section>\n")
	}
	w.Print("</body>\n</html>\n")
	return w.Err()
}

func htmlNotes(s *step) string {
	var parts []string
	if s.SkipReason != "" {
		parts = append(parts, "<em>Skip reason:</em> "+esc(s.SkipReason))
	}
	if s.Notes != "" {
		parts = append(parts, esc(s.Notes))
	}
	return strings.Join(parts, "<br>")
}

func htmlExceptions(r *run, w *sticky.Writer, kind string) error {
	switch kind {
	case excSkipped, excReverted, excTemplateDeleted:
		last := "Notes"
		if kind == excSkipped {
			last = "Reason"
		}
		w.Printf(`<table><thead><tr><th>Customer</th><th>Cluster</th><th>Step</th><th>Status</th><th>By</th><th>When</th><th>%s</th></tr></thead><tbody>`+"\n", last)
		err := r.eachException(kind, false, func(e *exception) error {
			note := esc(e.Notes)
			if kind == excSkipped {
				note = esc(e.SkipReason)
			}
			w.Printf("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"t\">%s</td><td>%s</td></tr>\n",
				htmlCustomer(e.Customer), esc(e.Customer.Cluster), esc(stepLabel(e.Category, e.Position, e.Name)),
				statusBadge(e.Status), esc(e.ExecutedBy), r.when(e.ExecutedAt), note)
			return w.Err()
		})
		w.Print("</tbody></table>\n")
		return err
	case excFailedRun:
		w.Print(`<table><thead><tr><th>Customer</th><th>Cluster</th><th>Step</th><th>Outcome</th><th class="n">Exit code</th><th>Started</th><th>By</th><th>Step status</th></tr></thead><tbody>` + "\n")
		err := r.eachException(kind, false, func(e *exception) error {
			code := ""
			if e.Run.ExitCode != nil {
				code = fmt.Sprint(*e.Run.ExitCode)
			}
			w.Printf("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"t\">%s</td><td>%s</td><td>%s</td></tr>\n",
				htmlCustomer(e.Customer), esc(e.Customer.Cluster), esc(stepLabel(e.Category, e.Position, e.Name)),
				esc(runOutcomeText(e.Run.Outcome)), code, r.timestamp(e.Run.StartedAt), esc(e.Run.Actor), statusBadge(e.Status))
			return w.Err()
		})
		w.Print("</tbody></table>\n")
		return err
	case excOverridden, excCustom:
		return r.eachException(kind, true, func(e *exception) error {
			w.Printf("<div class=\"block\">\n<h4>%s · %s</h4>\n<p>%s, %s", htmlCustomer(e.Customer),
				esc(stepLabel(e.Category, e.Position, e.Name)), esc(e.Type), statusBadge(e.Status))
			if e.ExecutedBy != "" {
				w.Printf(" by %s at %s", esc(e.ExecutedBy), r.when(e.ExecutedAt))
			}
			w.Print(".</p>\n")
			if kind == excOverridden && e.Template != nil {
				hunks := unifiedDiff(*e.Template, e.Content)
				if hunks == nil {
					w.Print("<p class=\"muted\">The content is the same as the template's current content.</p>\n</div>\n")
					return w.Err()
				}
				w.Print("<p>Changes from the template's current content:</p>\n")
				htmlDiff(w, hunks)
				w.Print("<p>This customer's content:</p>\n")
			}
			htmlCode(w, e.Type, e.Content)
			w.Print("</div>\n")
			return w.Err()
		})
	}
	return nil
}

func htmlDiff(w *sticky.Writer, hunks []diffLine) {
	w.Print("<div class=\"diff\"><pre>")
	w.Print(`<span class="meta">--- template</span><span class="meta">+++ this customer</span>`)
	for _, l := range hunks {
		switch l.Kind {
		case '@':
			w.Printf(`<span class="hunk">%s</span>`, esc(l.Text))
		case '+':
			w.Printf(`<span class="add">+%s</span>`, esc(l.Text))
		case '-':
			w.Printf(`<span class="del">-%s</span>`, esc(l.Text))
		default:
			w.Printf(`<span> %s</span>`, esc(l.Text))
		}
		if l.NoEOL {
			w.Print(`<span class="meta">\ No newline at end of file</span>`)
		}
	}
	w.Print("</pre></div>\n")
}

// htmlCode writes step content highlighted by chroma (which escapes it),
// or escaped plain text if it cannot.
func htmlCode(w *sticky.Writer, typ, content string) {
	res, err := highlight.HTML(typ, content)
	if err != nil {
		res, err = highlight.HTML("text", content)
	}
	w.Print("<div class=\"code\">")
	if err != nil {
		w.Printf("<pre>%s</pre>", html.EscapeString(content))
	} else {
		w.Print(res.HTML)
	}
	w.Print("</div>\n")
}
