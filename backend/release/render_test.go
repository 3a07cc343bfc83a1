package release

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"shipdeck/backend/store"
)

// varFleet is two customers on one cluster, one with a tier in its
// metadata written as a number (as the specification's app may store it),
// and an active release whose steps use variables.
func varFleet(t *testing.T) (*fixture, Release, []int64) {
	f := newFixture(t)
	cl := f.cluster("prod-eu")
	f.exec(`UPDATE clusters SET kubeconfig_path = '/kube/prod-eu' WHERE id = ?`, cl)
	acme, globex := f.customer(cl, "acme"), f.customer(cl, "globex")
	f.exec(`UPDATE customers SET name = 'Acme GmbH', metadata = '{"tier": 3}' WHERE id = ?`, acme)
	r := must[Release](t)(f.rel.Create(Input{Name: "2026.12", Type: "release", VersionNumber: "2026.12.0", Targets: Targets{Mode: "all"}, Templates: []TemplateInput{
		{Name: "Upgrade", Category: Deploy, Type: Bash, Content: "helm upgrade app -n {{namespace}} --kube-context {{ cluster }} # {{version}}"},
		{Name: "Announce", Category: Deploy, Type: Text, Content: "Tell {{customer}} (tier {{customer.tier}})."},
		{Name: "Plain", Category: Verify, Type: Bash, Content: "curl -fsS http://api/healthz"},
	}}))
	must[Release](t)(f.rel.Activate(r.ID))
	return f, r, []int64{acme, globex}
}

func TestStepsRenderForTheirCustomer(t *testing.T) {
	f, r, cu := varFleet(t)
	d := must[Detail](t)(f.rel.Get(r.ID))
	cases := []struct {
		customer int64
		template int64
		text     string
		missing  []string
	}{
		{cu[0], d.Deploy[0].ID, "helm upgrade app -n acme --kube-context prod-eu # 2026.12.0", nil},
		{cu[1], d.Deploy[0].ID, "helm upgrade app -n globex --kube-context prod-eu # 2026.12.0", nil},
		// A number in metadata renders as its text; a key not set stays as written and is reported.
		{cu[0], d.Deploy[1].ID, "Tell Acme GmbH (tier 3).", nil},
		{cu[1], d.Deploy[1].ID, "Tell globex (tier {{customer.tier}}).", []string{"customer.tier"}},
		{cu[0], d.Verify[0].ID, "curl -fsS http://api/healthz", nil},
	}
	for _, c := range cases {
		sd := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, c.template, c.customer))
		got := sd.Step.Rendered
		if got == nil || got.Text != c.text {
			t.Errorf("%s: rendered %+v, want %q", sd.Step.Name, got, c.text)
			continue
		}
		var missing []string
		for _, m := range got.Missing {
			missing = append(missing, m.Name)
		}
		if fmt.Sprint(missing) != fmt.Sprint(c.missing) {
			t.Errorf("%s: missing %v, want %v", sd.Step.Name, missing, c.missing)
		}
		if sd.Step.Content == got.Text && strings.Contains(sd.Step.Content, "{{") && len(missing) == 0 {
			t.Errorf("%s: stored content was replaced by its rendering", sd.Step.Name)
		}
	}
	// The customer's steps carry the same rendering.
	cs := must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, cu[0]))
	if cs.Deploy[0].Rendered == nil || cs.Deploy[0].Rendered.Text != cases[0].text {
		t.Fatalf("customer steps: %+v", cs.Deploy[0].Rendered)
	}
}

// The history of a state change keeps what was executed: the rendering of
// that moment, which a later rename does not change.
func TestHistoryKeepsTheRenderingThatWasExecuted(t *testing.T) {
	f, r, cu := varFleet(t)
	d := must[Detail](t)(f.rel.Get(r.ID))
	// A bulk change over both customers, and a single one.
	must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{d.Deploy[0].ID, d.Verify[0].ID}, CustomerIDs: cu, Action: ActionDone}))
	st := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, d.Deploy[1].ID, cu[0])).Step
	must[Step](t)(f.steps.Skip(TransitionInput{StepID: st.ID, Note: "told by phone"}))
	f.exec(`UPDATE customers SET namespace = 'acme-new', name = 'Acme AG' WHERE id = ?`, cu[0])

	db, _ := f.st.DB()
	var rows []struct {
		Customer int64   `bun:"customer_id"`
		Step     string  `bun:"step_name"`
		Rendered *string `bun:"rendered"`
	}
	noErr(t, db.NewRaw(`SELECT customer_id, step_name, rendered FROM step_history WHERE action IN ('done', 'skip') ORDER BY id`).Scan(context.Background(), &rows))
	want := map[string]string{
		fmt.Sprint(cu[0], "Upgrade"):  "helm upgrade app -n acme --kube-context prod-eu # 2026.12.0",
		fmt.Sprint(cu[1], "Upgrade"):  "helm upgrade app -n globex --kube-context prod-eu # 2026.12.0",
		fmt.Sprint(cu[0], "Announce"): "Tell Acme GmbH (tier 3).",
		fmt.Sprint(cu[0], "Plain"):    "", // no variables: the content is what ran
		fmt.Sprint(cu[1], "Plain"):    "",
	}
	if len(rows) != len(want) {
		t.Fatalf("%d history rows: %+v", len(rows), rows)
	}
	for _, h := range rows {
		got := ""
		if h.Rendered != nil {
			got = *h.Rendered
		}
		if w := want[fmt.Sprint(h.Customer, h.Step)]; got != w {
			t.Errorf("customer %d %s: history rendered %q, want %q", h.Customer, h.Step, got, w)
		}
	}
	// The panel renders the step anew; its history still says what ran.
	sd := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, d.Deploy[0].ID, cu[0]))
	if !strings.Contains(sd.Step.Rendered.Text, "-n acme-new") || !strings.Contains(sd.History[0].Rendered, "-n acme ") {
		t.Fatalf("now %q, history %q", sd.Step.Rendered.Text, sd.History[0].Rendered)
	}
}

// The template editor's preview renders for a chosen customer and names the
// customers that lack a variable; activation warns the same way.
func TestPreviewNamesCustomersLackingAVariable(t *testing.T) {
	f, r, cu := varFleet(t)
	p := must[TemplatePreview](t)(f.rel.PreviewTemplate(TemplatePreviewInput{ReleaseID: r.ID, Name: "x", Type: Bash, Content: "echo {{customer.tier}} {{release.owner}}", CustomerID: cu[0]}))
	if p.Customer.ID != cu[0] || p.Rendered.Text != "echo 3 {{release.owner}}" || len(p.Customers) != 2 {
		t.Fatalf("preview %+v", p)
	}
	got := map[string]string{}
	for _, l := range p.Lacking {
		got[l.Name] = fmt.Sprint(l.Count, l.Customers)
	}
	if got["customer.tier"] != "1 [globex]" || got["release.owner"] != "2 [Acme GmbH globex]" || len(got) != 2 {
		t.Fatalf("lacking %v", got)
	}

	draft := must[Release](t)(f.rel.Create(Input{Name: "next", Type: "release", Targets: Targets{Mode: "all"}, Templates: []TemplateInput{
		{Name: "Region", Category: Deploy, Type: Bash, Content: "echo {{customer.region}}"},
	}}))
	pv := must[Preview](t)(f.rel.ActivationPreview(draft.ID))
	if len(pv.Lacking) != 1 || pv.Lacking[0].Name != "customer.region" || pv.Lacking[0].Count != 2 {
		t.Fatalf("activation preview %+v", pv)
	}
	// A warning, not a refusal.
	must[Release](t)(f.rel.Activate(draft.ID))
}

// A template edit still reaches the pending steps; each renders its own.
func TestPropagationKeepsRenderingPerCustomer(t *testing.T) {
	f, r, cu := varFleet(t)
	d := must[Detail](t)(f.rel.Get(r.ID))
	must[TemplateChange](t)(f.rel.UpdateTemplate(UpdateTemplateInput{ID: d.Deploy[0].ID, Name: "Upgrade", Type: Bash, Content: "kubectl -n {{namespace}} rollout restart deploy/api"}))
	for _, c := range []struct {
		id int64
		ns string
	}{{cu[0], "acme"}, {cu[1], "globex"}} {
		sd := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, d.Deploy[0].ID, c.id))
		if want := "kubectl -n " + c.ns + " rollout restart deploy/api"; sd.Step.Rendered.Text != want {
			t.Errorf("%q, want %q", sd.Step.Rendered.Text, want)
		}
	}
}

// BenchmarkRenderStep is one panel's rendering: read the context, render.
func BenchmarkRenderStep(b *testing.B) {
	f := newFixture(b)
	custs := f.fleet(1, 1)
	r := must[Release](b)(f.rel.Create(Input{Name: "r", Type: "release", Targets: Targets{Mode: "all"}, Templates: []TemplateInput{
		{Name: "s", Category: Deploy, Type: Bash, Content: strings.Repeat("kubectl -n {{namespace}} --context {{cluster}} get pods # {{customer.tier}}\n", 200)},
	}}))
	must[Release](b)(f.rel.Activate(r.ID))
	d := must[Detail](b)(f.rel.Get(r.ID))
	db, _ := f.st.DB()
	ctx := context.Background()
	var st store.CustomerStep
	noErr(b, db.NewSelect().Model(&st).Where("template_id = ? AND customer_id = ?", d.Deploy[0].ID, custs[0]).Scan(ctx))
	s := toStep(st)
	b.ResetTimer()
	for b.Loop() {
		noErr(b, renderSteps(ctx, db, r.ID, custs[0], &s))
	}
}

// BenchmarkPreviewTemplate previews a template across 2,000 customers
// (scaled by SHIPDECK_BENCH_SCALE): target ≤ 50 ms.
func BenchmarkPreviewTemplate(b *testing.B) {
	f := newFixture(b)
	f.fleet(scaled(20), scaled(100))
	r := must[Release](b)(f.rel.Create(Input{Name: "r", Type: "release", Targets: Targets{Mode: "all"}, Templates: []TemplateInput{tpl(Deploy, "d1")}}))
	must[Release](b)(f.rel.Activate(r.ID))
	in := TemplatePreviewInput{ReleaseID: r.ID, Name: "x", Type: Bash, Content: "kubectl -n {{namespace}} --context {{cluster}} # {{customer.tier}}"}
	b.ResetTimer()
	for b.Loop() {
		p := must[TemplatePreview](b)(f.rel.PreviewTemplate(in))
		if len(p.Lacking) != 1 {
			b.Fatalf("lacking %+v", p.Lacking)
		}
	}
}
