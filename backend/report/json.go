package report

import (
	"bytes"
	"encoding/json"
	"fmt"

	"shipdeck/backend/internal/sticky"
	"shipdeck/backend/progress"
	"shipdeck/backend/store"
)

// The JSON report (docs/export-format.md, docs/export-format.schema.json).
// The envelope is written by hand and every element encoded on its own, so
// the steps and the history stream through one small buffer.

type jsonSelection struct {
	Kind        string  `json:"kind"`
	ClusterID   *int64  `json:"cluster_id"`
	CustomerIDs []int64 `json:"customer_ids"`
}

type jsonRelease struct {
	ID          int64           `json:"id"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Status      string          `json:"status"`
	Version     *string         `json:"version"`
	ReleaseDate *string         `json:"release_date"`
	Description *string         `json:"description"`
	Metadata    json.RawMessage `json:"metadata"`
	CreatedAt   *string         `json:"created_at"`
	UpdatedAt   *string         `json:"updated_at"`
}

type jsonHeld struct {
	Customers int          `json:"customers"`
	Progress  jsonProgress `json:"progress"`
}

type jsonExceptions struct {
	Skipped         int `json:"skipped"`
	Reverted        int `json:"reverted"`
	Overridden      int `json:"overridden"`
	Custom          int `json:"custom"`
	TemplateDeleted int `json:"template_deleted"`
	FailedRuns      int `json:"failed_runs"`
}

type jsonSummary struct {
	Customers  int            `json:"customers"`
	Progress   jsonProgress   `json:"progress"`
	Held       jsonHeld       `json:"held"`
	Exceptions jsonExceptions `json:"exceptions"`
}

type jsonTemplate struct {
	ID          int64   `json:"id"`
	Category    string  `json:"category"`
	Position    int     `json:"position"`
	OrderIndex  int     `json:"order_index"`
	Name        string  `json:"name"`
	Type        string  `json:"type"`
	Description *string `json:"description"`
	Content     string  `json:"content"`
}

type jsonCluster struct {
	ID            int64        `json:"id"`
	Name          string       `json:"name"`
	Customers     int          `json:"customers"`
	HeldCustomers int          `json:"held_customers"`
	Progress      jsonProgress `json:"progress"`
}

type jsonHold struct {
	HeldAt string  `json:"held_at"`
	HeldBy *string `json:"held_by"`
	Reason *string `json:"reason"`
}

type jsonCustomer struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	Namespace string       `json:"namespace"`
	ClusterID int64        `json:"cluster_id"`
	Cluster   string       `json:"cluster"`
	Active    bool         `json:"active"`
	AddedAt   *string      `json:"added_at"`
	Hold      *jsonHold    `json:"hold"`
	Progress  jsonProgress `json:"progress"`
}

type jsonRun struct {
	ID         int64   `json:"id"`
	Outcome    string  `json:"outcome"`
	ExitCode   *int    `json:"exit_code"`
	StartedAt  string  `json:"started_at"`
	FinishedAt *string `json:"finished_at"`
	Actor      string  `json:"actor"`
}

type jsonStep struct {
	ID         int64    `json:"id"`
	CustomerID int64    `json:"customer_id"`
	TemplateID *int64   `json:"template_id"`
	Category   string   `json:"category"`
	Position   int      `json:"position"`
	OrderIndex int      `json:"order_index"`
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Status     string   `json:"status"`
	Source     string   `json:"source"`
	Overridden bool     `json:"overridden"`
	Custom     bool     `json:"custom"`
	ExecutedBy *string  `json:"executed_by"`
	ExecutedAt *string  `json:"executed_at"`
	SkipReason *string  `json:"skip_reason"`
	Notes      *string  `json:"notes"`
	Content    *string  `json:"content"`
	LastRun    *jsonRun `json:"last_run"`
}

type jsonHistory struct {
	ID            int64           `json:"id"`
	At            string          `json:"at"`
	Actor         string          `json:"actor"`
	Source        string          `json:"source"`
	Action        string          `json:"action"`
	CustomerID    *int64          `json:"customer_id"`
	StepID        *int64          `json:"step_id"`
	TemplateID    *int64          `json:"template_id"`
	StepName      string          `json:"step_name"`
	FromStatus    *string         `json:"from_status"`
	ToStatus      *string         `json:"to_status"`
	Note          *string         `json:"note"`
	ContentBefore *string         `json:"content_before"`
	ContentAfter  *string         `json:"content_after"`
	Rendered      *string         `json:"rendered"`
	Detail        json.RawMessage `json:"detail"`
}

// jsonOut encodes one value at a time into a reused buffer and writes it
// with the envelope's punctuation. A failed write stays in w: value and
// array return it, so the loops that feed them stop at once.
type jsonOut struct {
	w   *sticky.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

func newJSONOut(w *sticky.Writer) *jsonOut {
	o := &jsonOut{w: w}
	o.enc = json.NewEncoder(&o.buf)
	o.enc.SetEscapeHTML(false)
	return o
}

// value writes prefix, then v as compact JSON.
func (o *jsonOut) value(prefix string, v any) error {
	o.buf.Reset()
	if err := o.enc.Encode(v); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	o.w.Print(prefix)
	o.w.PrintBytes(bytes.TrimSuffix(o.buf.Bytes(), []byte("\n")))
	return o.w.Err()
}

// array writes a JSON array member, one element a line, calling each to
// produce the elements.
func (o *jsonOut) array(name string, first bool, each func(put func(v any) error) error) error {
	sep := ",\n"
	if first {
		sep = "\n"
	}
	o.w.Print(sep + `  "` + name + `": [`)
	n := 0
	err := each(func(v any) error {
		p := ",\n    "
		if n == 0 {
			p = "\n    "
		}
		n++
		return o.value(p, v)
	})
	if err != nil {
		return err
	}
	if n > 0 {
		o.w.Print("\n  ]")
	} else {
		o.w.Print("]")
	}
	return o.w.Err()
}

func (r *run) optISO(unix *int64) *string {
	if unix == nil || *unix == 0 {
		return nil
	}
	s := r.iso(*unix)
	return &s
}

func writeJSON(r *run, w *sticky.Writer) error {
	o := newJSONOut(w)
	counts, err := r.countExceptions()
	if err != nil {
		return err
	}

	sel := jsonSelection{Kind: r.sel.Kind(), CustomerIDs: r.sel.CustomerIDs}
	if r.sel.ClusterID != 0 {
		sel.ClusterID = &r.sel.ClusterID
	}
	rel := jsonRelease{
		ID: r.rel.ID, Name: r.rel.Name, Type: r.rel.Type, Status: r.rel.Status,
		Version: store.Text(r.rel.Version), ReleaseDate: r.optISO(r.rel.ReleaseDate), Description: store.Text(r.rel.Description),
		Metadata: r.rel.Metadata, CreatedAt: r.optISO(&r.rel.CreatedAt), UpdatedAt: r.optISO(&r.rel.UpdatedAt),
	}
	if rel.Metadata == nil {
		rel.Metadata = json.RawMessage("null")
	}
	summary := jsonSummary{
		Customers: len(r.customers), Progress: toJSONProgress(r.counted),
		Held: jsonHeld{Customers: r.heldCount, Progress: toJSONProgress(r.held)},
		Exceptions: jsonExceptions{
			Skipped: counts[excSkipped], Reverted: counts[excReverted], Overridden: counts[excOverridden],
			Custom: counts[excCustom], TemplateDeleted: counts[excTemplateDeleted], FailedRuns: counts[excFailedRun],
		},
	}
	w.Print("{\n")
	for _, m := range []struct {
		prefix string
		v      any
	}{
		{`  "schema": `, Schema},
		{",\n  \"generated_at\": ", r.now.Format("2006-01-02T15:04:05Z07:00")},
		{",\n  \"selection\": ", sel},
		{",\n  \"release\": ", rel},
		{",\n  \"summary\": ", summary},
	} {
		if err := o.value(m.prefix, m.v); err != nil {
			return err
		}
	}

	if err := o.array("templates", false, func(put func(any) error) error {
		return r.eachTemplate(func(t *template) error {
			return put(jsonTemplate{ID: t.ID, Category: t.Category, Position: t.Position, OrderIndex: t.OrderIndex,
				Name: t.Name, Type: t.Type, Description: store.Text(t.Description), Content: t.Content})
		})
	}); err != nil {
		return err
	}
	if err := o.array("clusters", false, func(put func(any) error) error {
		for _, cl := range r.clusters {
			if err := put(jsonCluster{ID: cl.ID, Name: cl.Name, Customers: cl.Customers, HeldCustomers: cl.Held, Progress: toJSONProgress(cl.Progress)}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := o.array("customers", false, func(put func(any) error) error {
		for _, c := range r.customers {
			jc := jsonCustomer{ID: c.ID, Name: c.Name, Namespace: c.Namespace, ClusterID: c.ClusterID, Cluster: c.Cluster,
				Active: c.Active, AddedAt: r.optISO(&c.AddedAt), Progress: toJSONProgress(c.Progress)}
			if c.Hold != nil {
				jc.Hold = &jsonHold{HeldAt: r.iso(c.Hold.At), HeldBy: store.Text(c.Hold.By), Reason: store.Text(c.Hold.Reason)}
			}
			if err := put(jc); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := o.array("steps", false, func(put func(any) error) error {
		return r.eachCustomer(true, func(c *customerInfo, steps []step) error {
			for i := range steps {
				s := &steps[i]
				js := jsonStep{
					ID: s.ID, CustomerID: s.CustomerID, TemplateID: s.TemplateID, Category: s.Category, Position: s.Position,
					OrderIndex: s.OrderIndex, Name: s.Name, Type: s.Type, Status: s.Status, Source: s.source(),
					Overridden: s.Overridden, Custom: s.Custom, ExecutedBy: store.Text(s.ExecutedBy), ExecutedAt: r.optISO(s.ExecutedAt),
					SkipReason: store.Text(s.SkipReason), Notes: store.Text(s.Notes), Content: s.Content,
				}
				if s.Run != nil {
					js.LastRun = &jsonRun{ID: s.Run.ID, Outcome: s.Run.Outcome, ExitCode: s.Run.ExitCode,
						StartedAt: r.iso(s.Run.StartedAt), FinishedAt: r.optISO(s.Run.FinishedAt), Actor: s.Run.Actor}
				}
				if err := put(js); err != nil {
					return err
				}
			}
			return nil
		})
	}); err != nil {
		return err
	}
	if err := o.array("history", false, func(put func(any) error) error {
		return r.eachHistory(func(h *historyEntry) error {
			jh := jsonHistory{
				ID: h.ID, At: r.iso(h.At), Actor: h.Actor, Source: h.Source, Action: h.Action,
				CustomerID: h.CustomerID, StepID: h.StepID, TemplateID: h.TemplateID, StepName: h.StepName,
				FromStatus: h.FromStatus, ToStatus: h.ToStatus, Note: h.Note,
				ContentBefore: h.ContentBefore, ContentAfter: h.ContentAfter, Rendered: h.Rendered,
				Detail: detailJSON(h.Detail),
			}
			return put(jh)
		})
	}); err != nil {
		return err
	}
	w.Print("\n}\n")
	return w.Err()
}

// detailJSON is a history row's detail as JSON: the stored JSON when it is
// valid, else the text as a JSON string, null when there is none.
func detailJSON(s *string) json.RawMessage {
	if s == nil || *s == "" {
		return json.RawMessage("null")
	}
	if json.Valid([]byte(*s)) {
		var b bytes.Buffer
		if json.Compact(&b, []byte(*s)) == nil {
			return b.Bytes()
		}
	}
	b, _ := json.Marshal(*s)
	return b
}

// jsonProgress is a progress as the report's schema has it: the figures of
// its steps (the report counts held customers apart itself).
type jsonProgress struct {
	Total    int `json:"total"`
	Done     int `json:"done"`
	Skipped  int `json:"skipped"`
	Reverted int `json:"reverted"`
	Pending  int `json:"pending"`
	Percent  int `json:"percent"`
}

func toJSONProgress(p progress.Progress) jsonProgress {
	return jsonProgress{Total: p.Total, Done: p.Done, Skipped: p.Skipped, Reverted: p.Reverted, Pending: p.Pending, Percent: p.Percent}
}
