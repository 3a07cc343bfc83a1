package report

import (
	"fmt"
	"strings"

	"shipdeck/backend/internal/sticky"
	"shipdeck/backend/progress"
)

// The Markdown report is GitHub-flavoured Markdown for a ticket: facts,
// summary, exceptions, then every selected customer's steps. Every name,
// note and reason goes through mdText (or a code fence), so no text can
// start a table cell, a link, a heading or raw HTML.

// mdSpecial are the characters escaped with a backslash wherever user text
// goes: emphasis, code, links, tables, headings, HTML and strike-through.
const mdSpecial = "\\`*_[]<>|#~"

// mdText escapes s for inline Markdown (a table cell, a heading): special
// characters get a backslash, an '&' that could start an entity too, and
// line breaks become <br> (the only HTML of the report, which GitHub and
// GitLab render inside tables).
func mdText(s string) string {
	var b strings.Builder
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n' || c == '\r':
			b.WriteString("<br>")
		case strings.IndexByte(mdSpecial, c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '&' && i+1 < len(s) && (s[i+1] == '#' || isAlpha(s[i+1])):
			b.WriteString("\\&")
		case c == '!' && i+1 < len(s) && s[i+1] == '[':
			b.WriteString("\\!")
		default:
			b.WriteByte(c)
		}
	}
	// Text that starts with a list or setext marker stays text wherever it
	// lands. Surrounding space is trimmed: Markdown drops it anyway, and
	// four leading spaces would start a code block.
	out := b.String()
	if out != "" && strings.IndexByte("-+=", out[0]) >= 0 {
		out = "\\" + out
	}
	return out
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// mdCode is s as an inline code span, or plain escaped text when it holds
// a backtick or a line break.
func mdCode(s string) string {
	if s == "" || strings.ContainsAny(s, "`\n\r|") {
		return mdText(s)
	}
	return "`" + s + "`"
}

// mdFence is s as a fenced code block with a fence longer than any run of
// backticks in it, so content cannot close it.
func mdFence(w *sticky.Writer, lang, s string) {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	w.Printf("%s%s\n%s", fence, lang, s)
	if !strings.HasSuffix(s, "\n") {
		w.Print("\n")
	}
	w.Printf("%s\n\n", fence)
}

// mdLang is the info string of a step type's code fence.
func mdLang(typ string) string {
	switch typ {
	case "bash", "sql":
		return typ
	}
	return "text"
}

func mdRow(w *sticky.Writer, cells ...string) {
	w.Print("|")
	for _, c := range cells {
		if c == "" {
			w.Print(" |")
			continue
		}
		w.Print(" " + c + " |")
	}
	w.Print("\n")
}

func mdRule(w *sticky.Writer, align ...string) {
	w.Print("|")
	for _, a := range align {
		switch a {
		case "r":
			w.Print(" ---: |")
		default:
			w.Print(" --- |")
		}
	}
	w.Print("\n")
}

func countCells(p progress.Progress) []string {
	return []string{fmt.Sprint(p.Done), fmt.Sprint(p.Skipped), fmt.Sprint(p.Reverted), fmt.Sprint(p.Pending), fmt.Sprint(p.Total), fmt.Sprintf("%d%%", p.Percent)}
}

// customerLabel is "Name (namespace)" in Markdown.
func mdCustomer(c *customerInfo) string {
	return mdText(c.Name) + " (" + mdCode(c.Namespace) + ")"
}

// when is an optional timestamp for people.
func (r *run) when(unix *int64) string {
	if unix == nil {
		return ""
	}
	return r.timestamp(*unix)
}

func writeMarkdown(r *run, w *sticky.Writer) error {
	w.Printf("# Release report: %s\n\n", mdText(r.rel.Name))
	mdRow(w, "Fact", "Value")
	mdRule(w, "", "")
	for _, f := range r.facts() {
		mdRow(w, f[0], mdText(f[1]))
	}
	w.Print("\n")

	// Summary.
	w.Print("## Summary\n\n")
	w.Printf("**%d%%** done or skipped: %s.\n\n", r.counted.Percent, summarySentence(r))
	mdRow(w, "Done", "Skipped", "Reverted", "Pending", "Total", "Progress")
	mdRule(w, "r", "r", "r", "r", "r", "r")
	mdRow(w, countCells(r.counted)...)
	w.Print("\n")
	if len(r.clusters) > 0 {
		w.Print("### By cluster\n\n")
		mdRow(w, "Cluster", "Customers", "On hold", "Done", "Skipped", "Reverted", "Pending", "Total", "Progress")
		mdRule(w, "", "r", "r", "r", "r", "r", "r", "r", "r")
		for _, cl := range r.clusters {
			mdRow(w, append([]string{mdText(cl.Name), fmt.Sprint(cl.Customers), fmt.Sprint(cl.Held)}, countCells(cl.Progress)...)...)
		}
		w.Print("\n")
	}
	if r.heldCount > 0 {
		w.Print("### On hold\n\n")
		w.Printf("Held customers are counted apart: their %s are not in the figures above.\n\n", plural(r.held.Total, "step"))
		mdRow(w, "Customer", "Cluster", "Since", "By", "Reason", "Steps done or skipped")
		mdRule(w, "", "", "", "", "", "r")
		for _, c := range r.customers {
			if c.Hold == nil {
				continue
			}
			mdRow(w, mdCustomer(c), mdText(c.Cluster), r.timestamp(c.Hold.At), mdText(c.Hold.By), mdText(c.Hold.Reason),
				fmt.Sprintf("%d of %d", c.Progress.Done+c.Progress.Skipped, c.Progress.Total))
		}
		w.Print("\n")
	}
	if w.Err() != nil {
		return w.Err()
	}

	// Exceptions.
	counts, err := r.countExceptions()
	if err != nil {
		return err
	}
	w.Print("## Exceptions\n\n")
	for _, sec := range exceptionSections {
		n := counts[sec.kind]
		w.Printf("### %s (%d)\n\n", sec.title, n)
		if n == 0 {
			w.Printf("%s\n\n", sec.none)
			continue
		}
		if err := mdExceptions(r, w, sec.kind); err != nil {
			return err
		}
		if w.Err() != nil {
			return w.Err()
		}
	}

	// Steps, per cluster and customer.
	w.Print("## Steps\n\n")
	if len(r.customers) == 0 {
		w.Print("The selection holds no customers.\n")
	}
	cluster := int64(0)
	err = r.eachCustomer(false, func(c *customerInfo, steps []step) error {
		if c.ClusterID != cluster {
			cluster = c.ClusterID
			w.Printf("### %s\n\n", mdText(c.Cluster))
		}
		w.Printf("#### %s\n\n", mdCustomer(c))
		w.Printf("%s: %d%% (%s).", customerStateText(c), c.Progress.Percent, countsText(c.Progress))
		if c.Hold != nil {
			w.Printf(" On hold since %s by %s: %s", r.timestamp(c.Hold.At), mdText(c.Hold.By), mdText(c.Hold.Reason))
			if !strings.HasSuffix(c.Hold.Reason, ".") {
				w.Print(".")
			}
		}
		w.Print("\n\n")
		if len(steps) == 0 {
			w.Print("No steps.\n\n")
			return w.Err()
		}
		mdRow(w, "#", "Step", "Type", "Status", "By", "When", "Notes")
		mdRule(w, "", "", "", "", "", "", "")
		for i := range steps {
			s := &steps[i]
			name := mdText(s.Name)
			if tag := sourceTag(s); tag != "" {
				name += " *(" + tag + ")*"
			}
			mdRow(w, fmt.Sprintf("%s %d", categoryTitle(s.Category), s.Position), name, s.Type, s.Status,
				mdText(s.ExecutedBy), r.when(s.ExecutedAt), mdNotes(s))
		}
		w.Print("\n")
		return w.Err()
	})
	if err != nil {
		return err
	}
	return w.Err()
}

// mdNotes is the notes cell: the skip reason first, then the notes.
func mdNotes(s *step) string {
	var parts []string
	if s.SkipReason != "" {
		parts = append(parts, "Skip reason: "+mdText(s.SkipReason))
	}
	if s.Notes != "" {
		parts = append(parts, mdText(s.Notes))
	}
	return strings.Join(parts, "<br>")
}

// sourceTag marks a step whose content is not its template's.
func sourceTag(s *step) string {
	switch s.source() {
	case "custom":
		return "custom"
	case "overridden":
		return "overridden"
	case "template-deleted":
		return "template deleted"
	}
	return ""
}

type exceptionSection struct {
	kind, title, none string
}

var exceptionSections = []exceptionSection{
	{excSkipped, "Skipped", "No step was skipped."},
	{excReverted, "Reverted", "No step is reverted."},
	{excOverridden, "Overridden", "No step's content was overridden."},
	{excCustom, "Custom steps", "No custom steps."},
	{excTemplateDeleted, "Template deleted", "No step outlived its template."},
	{excFailedRun, "Failed runs", "No step's latest run failed."},
}

func mdExceptions(r *run, w *sticky.Writer, kind string) error {
	switch kind {
	case excSkipped, excReverted, excTemplateDeleted:
		last := "Notes"
		if kind == excSkipped {
			last = "Reason"
		}
		mdRow(w, "Customer", "Cluster", "Step", "Status", "By", "When", last)
		mdRule(w, "", "", "", "", "", "", "")
		if err := r.eachException(kind, false, func(e *exception) error {
			note := mdText(e.Notes)
			if kind == excSkipped {
				note = mdText(e.SkipReason)
			}
			mdRow(w, mdCustomer(e.Customer), mdText(e.Customer.Cluster), mdText(stepLabel(e.Category, e.Position, e.Name)),
				e.Status, mdText(e.ExecutedBy), r.when(e.ExecutedAt), note)
			return w.Err()
		}); err != nil {
			return err
		}
		w.Print("\n")
	case excFailedRun:
		mdRow(w, "Customer", "Cluster", "Step", "Outcome", "Exit code", "Started", "By", "Step status")
		mdRule(w, "", "", "", "", "r", "", "", "")
		if err := r.eachException(kind, false, func(e *exception) error {
			code := ""
			if e.Run.ExitCode != nil {
				code = fmt.Sprint(*e.Run.ExitCode)
			}
			mdRow(w, mdCustomer(e.Customer), mdText(e.Customer.Cluster), mdText(stepLabel(e.Category, e.Position, e.Name)),
				runOutcomeText(e.Run.Outcome), code, r.timestamp(e.Run.StartedAt), mdText(e.Run.Actor), e.Status)
			return w.Err()
		}); err != nil {
			return err
		}
		w.Print("\n")
	case excOverridden, excCustom:
		return r.eachException(kind, true, func(e *exception) error {
			w.Printf("#### %s · %s\n\n", mdCustomer(e.Customer), mdText(stepLabel(e.Category, e.Position, e.Name)))
			w.Printf("%s, %s", e.Type, e.Status)
			if e.ExecutedBy != "" {
				w.Printf(" by %s at %s", mdText(e.ExecutedBy), r.when(e.ExecutedAt))
			}
			w.Print(".\n\n")
			if kind == excOverridden && e.Template != nil {
				hunks := unifiedDiff(*e.Template, e.Content)
				if hunks == nil {
					w.Print("The content is the same as the template's current content.\n\n")
					return w.Err()
				}
				w.Print("Changes from the template's current content:\n\n")
				mdFence(w, "diff", unifiedText("template", "this customer", hunks))
				return w.Err()
			}
			mdFence(w, mdLang(e.Type), e.Content)
			return w.Err()
		})
	}
	return nil
}

// facts are the release's facts as label and value (plain text).
func (r *run) facts() [][2]string {
	date := "not set"
	if r.rel.ReleaseDate != nil {
		date = r.dateText(*r.rel.ReleaseDate)
	}
	version := r.rel.Version
	if version == "" {
		version = "not set"
	}
	f := [][2]string{
		{"Release", r.rel.Name},
		{"Type", r.rel.Type},
		{"Status", r.rel.Status},
		{"Version", version},
		{"Release date", date},
	}
	if r.rel.Description != "" {
		f = append(f, [2]string{"Description", r.rel.Description})
	}
	f = append(f,
		[2]string{"Covers", r.scopeText()},
		[2]string{"Templates", fmt.Sprintf("%d deploy, %d verify", r.deployN, r.verifyN)},
		[2]string{"Generated", r.now.Format("2006-01-02 15:04:05")},
		[2]string{"Times", r.zoneText()},
	)
	return f
}

// dateText is a release date: the day alone when it is midnight UTC (as a
// date picker stores it), else a timestamp.
func (r *run) dateText(unix int64) string {
	if unix%86400 == 0 {
		return timeUTC(unix).Format("2006-01-02")
	}
	return r.timestamp(unix)
}

func summarySentence(r *run) string {
	s := fmt.Sprintf("%s of %s", plural(r.counted.Total, "step"), plural(len(r.customers)-r.heldCount, "customer"))
	s += " (" + countsText(r.counted) + ")"
	if r.heldCount > 0 {
		s += fmt.Sprintf("; %s on hold, with %s, counted apart", plural(r.heldCount, "customer"), plural(r.held.Total, "step"))
	}
	return s
}

func countsText(p progress.Progress) string {
	return fmt.Sprintf("%d done, %d skipped, %d reverted, %d pending", p.Done, p.Skipped, p.Reverted, p.Pending)
}

func customerStateText(c *customerInfo) string {
	if !c.Active {
		return "Archived customer"
	}
	return "Progress"
}
