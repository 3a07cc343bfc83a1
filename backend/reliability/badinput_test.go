package reliability

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/dashboard"
	"shipdeck/backend/highlight"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/sample"
	"shipdeck/backend/settings"
)

// TestMalformedInputOnEveryBoundMethod sends every bound method of the
// backend services input it must refuse: each answer is a plain-sentence
// *problem.Error (not an internal one) and no row of the database changes.
// A second test checks that the table names every bound method.
func TestMalformedInputOnEveryBoundMethod(t *testing.T) {
	st := testdb.Open(t)
	w := wrap(st)
	cust := w.fleet(t, 1, 2)
	r := w.activeRelease(t, "live", 2, 1)
	d := check[release.Detail](t)(w.releases.Get(r.ID))
	cs := check[release.CustomerSteps](t)(w.steps.CustomerSteps(r.ID, cust[0]))
	step := cs.Deploy[0].ID
	tpl := d.Deploy[0].ID
	hl, set, smp := highlight.NewService(), settings.NewService(st), sample.NewService(st)

	dir := t.TempDir()
	loop := filepath.Join(dir, "loop")
	noErr(t, os.Symlink(loop, loop))
	long := strings.Repeat("n", 10000)
	huge := strings.Repeat("x", 5<<20)
	nul, badUTF8, blank := "a\x00b", "a\xffb", " \t\n "
	pos := func(n int) *int { return &n }
	names := []string{"", blank, long, nul, badUTF8}

	type call struct {
		method string
		fn     func() error
	}
	var calls []call
	add := func(method string, fn func() error) { calls = append(calls, call{method, fn}) }
	e := func(_ any, err error) error { return err }

	for _, n := range names {
		n := n
		add("cluster.Create", func() error { return e(w.clusters.Create(cluster.Input{Name: n})) })
		add("cluster.Update", func() error { return e(w.clusters.Update(cluster.UpdateInput{ID: 1, Name: n})) })
		add("customer.Create", func() error { return e(w.customers.Create(customer.Input{ClusterID: 1, Namespace: "ok", Name: n})) })
		add("customer.Update", func() error {
			return e(w.customers.Update(customer.UpdateInput{ID: cust[0], ClusterID: 1, Namespace: "ok", Name: n}))
		})
		add("release.Create", func() error { return e(w.releases.Create(release.Input{Name: n, Type: "release"})) })
		add("release.Clone", func() error { return e(w.releases.Clone(release.CloneInput{ID: r.ID, Name: n})) })
		add("release.Update", func() error { return e(w.releases.Update(release.UpdateInput{ID: r.ID, Name: n, Type: "release"})) })
		add("release.AddTemplate", func() error {
			return e(w.releases.AddTemplate(release.AddTemplateInput{ReleaseID: r.ID, Name: n, Category: "deploy", Type: "bash", Content: "x"}))
		})
		add("release.UpdateTemplate", func() error {
			return e(w.releases.UpdateTemplate(release.UpdateTemplateInput{ID: tpl, Name: n, Type: "bash", Content: "x"}))
		})
		add("steps.AddCustom", func() error {
			return e(w.steps.AddCustom(release.CustomStepInput{ReleaseID: r.ID, CustomerID: cust[0], Category: "deploy", Name: n, Type: "bash", Content: "x"}))
		})
		add("steps.EditCustom", func() error {
			return e(w.steps.EditCustom(release.CustomStepEdit{StepID: step, Name: n, Type: "bash", Content: "x"}))
		})
		add("settings.Save", func() error { return e(set.Save(settings.Update{OperatorName: n + "\x00", Theme: "dark"})) })
	}
	for _, ns := range []string{"", "Acme", "a_b", "-a", strings.Repeat("a", 64), nul, badUTF8} {
		ns := ns
		add("customer.Create", func() error { return e(w.customers.Create(customer.Input{ClusterID: 1, Namespace: ns, Name: "x"})) })
	}
	add("customer.Create", func() error {
		return e(w.customers.Create(customer.Input{ClusterID: 1, Namespace: "ns-00-000", Name: "dup"}))
	})
	for _, kc := range []string{"relative/config", dir, loop, filepath.Join(dir, "missing")} {
		kc := kc
		add("cluster.Create", func() error { return e(w.clusters.Create(cluster.Input{Name: "k", KubeconfigPath: kc})) })
	}
	for _, id := range []int64{0, -1, 999999} {
		id := id
		add("cluster.Get", func() error { return e(w.clusters.Get(id)) })
		add("cluster.Archive", func() error { return e(w.clusters.Archive(id)) })
		add("cluster.Restore", func() error { return e(w.clusters.Restore(id)) })
		add("customer.Get", func() error { return e(w.customers.Get(id)) })
		add("customer.Archive", func() error { return e(w.customers.Archive(id)) })
		add("customer.Restore", func() error { return e(w.customers.Restore(id)) })
		add("release.Get", func() error { return e(w.releases.Get(id)) })
		add("release.ActivationPreview", func() error { return e(w.releases.ActivationPreview(id)) })
		add("release.Activate", func() error { return e(w.releases.Activate(id)) })
		add("release.AddableCustomers", func() error { return e(w.releases.AddableCustomers(id)) })
		add("release.Archive", func() error { return e(w.releases.Archive(id)) })
		add("release.Clone", func() error { return e(w.releases.Clone(release.CloneInput{ID: id, Name: "x"})) })
		add("release.DeleteTemplate", func() error { return e(w.releases.DeleteTemplate(id)) })
		add("steps.StepDetail", func() error { return e(w.steps.StepDetail(id)) })
		add("steps.StepDetailAt", func() error { return e(w.steps.StepDetailAt(r.ID, id, cust[0])) })
		add("steps.MarkDone", func() error { return e(w.steps.MarkDone(release.TransitionInput{StepID: id})) })
		add("steps.Skip", func() error { return e(w.steps.Skip(release.TransitionInput{StepID: id, Note: "r"})) })
		add("steps.Revert", func() error { return e(w.steps.Revert(release.TransitionInput{StepID: id})) })
		add("steps.SetPending", func() error { return e(w.steps.SetPending(release.TransitionInput{StepID: id})) })
		add("steps.ResetToTemplate", func() error { return e(w.steps.ResetToTemplate(id)) })
		add("steps.DeleteCustom", func() error { return w.steps.DeleteCustom(id) })
		add("steps.CustomerSteps", func() error { return e(w.steps.CustomerSteps(r.ID, id)) })
		add("steps.Override", func() error { return e(w.steps.Override(release.OverrideInput{StepID: id, Content: "x"})) })
	}
	for _, id := range []int64{0, -1} {
		id := id
		add("steps.Matrix", func() error { return e(w.steps.Matrix(id, 0)) })
	}
	add("steps.Matrix", func() error { return e(w.steps.Matrix(999999, 0)) })
	add("steps.Matrix", func() error { return e(w.steps.Matrix(r.ID, -1)) })
	add("customer.List", func() error { return e(w.customers.List(customer.ListFilter{ClusterID: -5})) })
	add("customer.List", func() error { return e(w.customers.List(customer.ListFilter{Search: nul})) })
	for _, typ := range []string{"", "python", "BASH"} {
		typ := typ
		add("release.Create", func() error { return e(w.releases.Create(release.Input{Name: "x", Type: release.ReleaseType(typ)})) })
		add("release.AddTemplate", func() error {
			return e(w.releases.AddTemplate(release.AddTemplateInput{ReleaseID: r.ID, Name: "x", Category: "deploy", Type: release.StepType(typ), Content: "x"}))
		})
		add("highlight.Highlight", func() error { return e(hl.Highlight(highlight.Request{Type: typ, Content: "x"})) })
		add("steps.BulkCells", func() error {
			return e(w.steps.BulkCells(release.BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{tpl}, CustomerIDs: cust, Action: release.Action(typ)}))
		})
	}
	for _, content := range []string{"", blank, huge, "echo \x00"} {
		content := content
		add("release.AddTemplate", func() error {
			return e(w.releases.AddTemplate(release.AddTemplateInput{ReleaseID: r.ID, Name: "x", Category: "deploy", Type: "bash", Content: content}))
		})
		add("steps.Override", func() error { return e(w.steps.Override(release.OverrideInput{StepID: step, Content: content})) })
		add("highlight.Highlight", func() error {
			if content == huge {
				return e(hl.Highlight(highlight.Request{Type: "bash", Content: huge + huge}))
			}
			return e(hl.Highlight(highlight.Request{Type: "ruby", Content: content}))
		})
	}
	for _, p := range []*int{pos(-1), pos(3), pos(1 << 30)} {
		p := p
		add("release.AddTemplate", func() error {
			return e(w.releases.AddTemplate(release.AddTemplateInput{ReleaseID: r.ID, Name: "x", Category: "deploy", Type: "bash", Content: "x", Position: p}))
		})
		add("steps.AddCustom", func() error {
			return e(w.steps.AddCustom(release.CustomStepInput{ReleaseID: r.ID, CustomerID: cust[0], Category: "deploy", Name: "x", Type: "bash", Content: "x", Position: *p}))
		})
	}
	add("release.AddTemplate", func() error {
		return e(w.releases.AddTemplate(release.AddTemplateInput{ReleaseID: r.ID, Name: "x", Category: "cleanup", Type: "bash", Content: "x"}))
	})
	add("release.ReorderTemplates", func() error {
		return w.releases.ReorderTemplates(release.ReorderInput{ReleaseID: r.ID, Category: "deploy", OrderedIDs: []int64{tpl, tpl}})
	})
	add("release.ReorderTemplates", func() error {
		return w.releases.ReorderTemplates(release.ReorderInput{ReleaseID: r.ID, Category: "deploy", OrderedIDs: []int64{tpl}})
	})
	add("release.ReorderTemplates", func() error {
		return w.releases.ReorderTemplates(release.ReorderInput{ReleaseID: r.ID, Category: "sideways", OrderedIDs: []int64{tpl}})
	})
	add("release.AddCustomers", func() error {
		return e(w.releases.AddCustomers(release.AddCustomersInput{ReleaseID: r.ID, CustomerIDs: []int64{cust[0], cust[0]}}))
	})
	add("release.AddCustomers", func() error {
		return e(w.releases.AddCustomers(release.AddCustomersInput{ReleaseID: r.ID, CustomerIDs: []int64{0}}))
	})
	add("steps.BulkCells", func() error {
		return e(w.steps.BulkCells(release.BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{tpl}, CustomerIDs: []int64{-4}, Action: "done"}))
	})
	add("steps.Activity", func() error { return e(w.steps.Activity(release.ActivityQuery{ReleaseID: 0})) })
	add("steps.Activity", func() error { return e(w.steps.Activity(release.ActivityQuery{ReleaseID: r.ID, Before: -1})) })
	add("steps.Activity", func() error {
		return e(w.steps.Activity(release.ActivityQuery{ReleaseID: r.ID, Kinds: []release.Kind{"x"}}))
	})
	add("steps.Activity", func() error { return e(w.steps.Activity(release.ActivityQuery{ReleaseID: r.ID, Search: nul})) })
	add("steps.Undo", func() error { return e(w.steps.Undo(release.UndoInput{ReleaseID: r.ID, From: 5, To: 2})) })
	add("steps.Hold", func() error {
		return e(w.steps.Hold(release.HoldInput{ReleaseID: r.ID, CustomerIDs: cust, Reason: blank}))
	})
	add("steps.Hold", func() error {
		return e(w.steps.Hold(release.HoldInput{ReleaseID: r.ID, CustomerIDs: []int64{0}, Reason: "x"}))
	})
	add("steps.Hold", func() error {
		return e(w.steps.Hold(release.HoldInput{ReleaseID: r.ID, CustomerIDs: cust, Reason: long}))
	})
	add("steps.Unhold", func() error { return e(w.steps.Unhold(release.UnholdInput{ReleaseID: r.ID})) })
	add("steps.Unhold", func() error { return e(w.steps.Unhold(release.UnholdInput{ReleaseID: 0, CustomerIDs: cust})) })
	add("steps.Undo", func() error { return e(w.steps.Undo(release.UndoInput{ReleaseID: -1, From: 1, To: 2})) })
	add("steps.Undo", func() error { return e(w.steps.Undo(release.UndoInput{ReleaseID: r.ID, From: 999999, To: 999999})) })
	add("release.TargetPreview", func() error { return e(w.releases.TargetPreview(release.Targets{Mode: "some"})) })
	add("release.TargetPreview", func() error { return e(w.releases.TargetPreview(release.Targets{Mode: "selected"})) })
	add("release.TargetPreview", func() error {
		return e(w.releases.TargetPreview(release.Targets{Mode: "selected", CustomerIDs: []int64{1, 1}}))
	})
	add("steps.BulkCells", func() error {
		return e(w.steps.BulkCells(release.BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{tpl}, CustomerIDs: cust, Action: "skip", Note: blank}))
	})
	add("steps.BulkCells", func() error {
		return e(w.steps.BulkCells(release.BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{tpl, tpl}, CustomerIDs: cust, Action: "done"}))
	})
	add("steps.BulkCells", func() error {
		return e(w.steps.BulkCells(release.BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{tpl}, Action: "done"}))
	})
	add("steps.Skip", func() error { return e(w.steps.Skip(release.TransitionInput{StepID: step, Note: blank})) })
	add("steps.MarkDone", func() error { return e(w.steps.MarkDone(release.TransitionInput{StepID: step, Note: long})) })
	add("settings.Save", func() error { return e(set.Save(settings.Update{OperatorName: "x", Theme: "neon"})) })
	add("settings.SavePreferences", func() error { return e(set.SavePreferences(settings.Preferences{Zoom: 5})) })
	add("settings.SavePreferences", func() error { return e(set.SavePreferences(settings.Preferences{Zoom: -100, SidebarCollapsed: true})) })
	add("sample.Load", func() error { return smp.Load() }) // refused: the database is not empty
	add("release.PreviewTemplate", func() error {
		return e(w.releases.PreviewTemplate(release.TemplatePreviewInput{ReleaseID: 0, Content: "x"}))
	})
	add("release.PreviewTemplate", func() error {
		return e(w.releases.PreviewTemplate(release.TemplatePreviewInput{ReleaseID: r.ID, Type: "bash", Content: huge}))
	})
	add("release.ImportTemplates", func() error { return e(w.releases.ImportTemplates(release.ImportTemplatesInput{ReleaseID: r.ID})) })
	add("release.ImportTemplates", func() error {
		return e(w.releases.ImportTemplates(release.ImportTemplatesInput{ReleaseID: r.ID, Templates: []release.TemplateInput{{Name: "x", Category: "deploy", Type: "bash", Content: "x"}}}))
	}) // active: drafts only
	add("release.ImportTemplates", func() error {
		return e(w.releases.ImportTemplates(release.ImportTemplatesInput{ReleaseID: r.ID, Templates: []release.TemplateInput{{Name: nul, Category: "deploy", Type: "bash", Content: "x"}}}))
	})
	add("settings.SaveRunning", func() error { return e(set.SaveRunning(settings.Running{Enabled: true, TimeoutMinutes: 0})) })
	add("settings.SaveRunning", func() error { return e(set.SaveRunning(settings.Running{TimeoutMinutes: 100000})) })
	runs := release.NewRuns(st, w.steps)
	add("runs.Check", func() error { return e(runs.Check(nil)) })
	add("runs.Check", func() error { return e(runs.Check([]int64{-1})) })
	add("runs.Check", func() error { return e(runs.Check([]int64{step, step})) })
	add("runs.Start", func() error { return e(runs.Start(release.RunInput{StepIDs: []int64{999999}})) })
	add("runs.Start", func() error { return e(runs.Start(release.RunInput{StepIDs: []int64{step}})) }) // its cluster is not confirmed
	add("runs.Cancel", func() error { return runs.Cancel("b42") })
	add("runs.StepRuns", func() error { return e(runs.StepRuns(0)) })
	add("runs.RunOutput", func() error { return e(runs.RunOutput(-3)) })
	add("runs.RunOutput", func() error { return e(runs.RunOutput(999999)) })

	add("customer.ImportPreview", func() error { return e(w.customers.ImportPreview(customer.ImportInput{CSV: blank})) })
	add("customer.ImportPreview", func() error {
		return e(w.customers.ImportPreview(customer.ImportInput{CSV: strings.Repeat("x", customer.MaxImportBytes+1)}))
	})
	add("customer.Import", func() error { return e(w.customers.Import(customer.ImportInput{CSV: "cluster,namespace,name\n"})) })
	add("customer.Import", func() error {
		return e(w.customers.Import(customer.ImportInput{CSV: "cluster,namespace,name\nnowhere,Bad_NS,x\n" + nul}))
	})
	add("customer.Import", func() error {
		return e(w.customers.Import(customer.ImportInput{CSV: "cluster,namespace,name\n" + nul + ",ok,x\n"}))
	})

	add("steps.StepIDs", func() error {
		return e(w.steps.StepIDs(release.CellsInput{ReleaseID: 0, TemplateIDs: []int64{tpl}, CustomerIDs: cust}))
	})
	add("steps.StepIDs", func() error {
		return e(w.steps.StepIDs(release.CellsInput{ReleaseID: r.ID, TemplateIDs: []int64{tpl, tpl}, CustomerIDs: cust}))
	})

	covered := map[string]bool{}
	for i, c := range calls {
		covered[c.method] = true
		before := testdb.Dump(t, st)
		err := c.fn()
		var pe *problem.Error
		switch {
		case !errors.As(err, &pe):
			t.Errorf("#%d %s: want a refusal, got %v", i, c.method, err)
		case pe.Code == problem.CodeInternal:
			t.Errorf("#%d %s: an internal error instead of a plain refusal: %q", i, c.method, pe.Message)
		case !plain(pe.Message):
			t.Errorf("#%d %s: not a plain sentence: %q", i, c.method, pe.Message)
		}
		if testdb.Dump(t, st) != before {
			t.Errorf("#%d %s: a refused call changed the database", i, c.method)
		}
	}
	t.Logf("%d malformed calls over %d methods", len(calls), len(covered))

	// Every bound method with input is in the table; the others take none.
	noInput := map[string]bool{"cluster.List": true, "release.List": true, "highlight.Styles": true, "settings.Get": true, "dashboard.Overview": true, "runs.Batches": true, "customer.Export": true}
	var missing []string
	for prefix, v := range map[string]any{"cluster": w.clusters, "customer": w.customers, "release": w.releases, "steps": w.steps, "highlight": hl, "settings": set, "sample": smp, "dashboard": dashboard.NewService(st), "runs": runs} {
		typ := reflect.TypeOf(v)
		for i := 0; i < typ.NumMethod(); i++ {
			name := prefix + "." + typ.Method(i).Name
			if !covered[name] && !noInput[name] {
				missing = append(missing, name)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("bound methods without a malformed-input case: %v", missing)
	}
}

// plain is a message with no driver text, type names or raw bytes.
func plain(msg string) bool {
	if msg == "" || strings.ContainsRune(msg, 0) {
		return false
	}
	for _, leak := range []string{"SQL", "sql:", "constraint", "driver", "bun:", "int64", "*release.", "panic", "runtime error", "json:"} {
		if strings.Contains(msg, leak) {
			return false
		}
	}
	return len(msg) < 400
}
