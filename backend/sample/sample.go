// Package sample loads a realistic demo workspace into an empty database,
// through the same services the UI calls, for a first look at Shipdeck.
package sample

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// Service is bound to the frontend.
type Service struct {
	st        *store.Store
	clusters  *cluster.Service
	customers *customer.Service
	releases  *release.Service
	steps     *release.Steps
}

// NewService returns the sample loader.
func NewService(st *store.Store) *Service {
	return &Service{
		st: st, clusters: cluster.NewService(st), customers: customer.NewService(st),
		releases: release.NewService(st), steps: release.NewSteps(st),
	}
}

var fleet = []struct {
	cluster, description string
	customers            [][2]string // name, namespace
}{
	{"prod-eu", "Frankfurt production (eu-central-1)", [][2]string{
		{"Acme GmbH", "acme"}, {"Bergmann & Söhne", "bergmann"}, {"Nordlicht Energie", "nordlicht"}, {"Zeller Logistik", "zeller"}, {"Helvetia Pharma", "helvetia"},
	}},
	{"prod-us", "Virginia production (us-east-1)", [][2]string{
		{"Globex Corporation", "globex"}, {"Initech", "initech"}, {"Umbrella Health", "umbrella"}, {"Stark Industries", "stark"},
	}},
	{"staging", "Shared staging for pre-release checks", [][2]string{
		{"Acme GmbH (staging)", "acme-staging"}, {"Globex (staging)", "globex-staging"}, {"Internal QA", "qa"},
	}},
}

// tiers are the customers' contract tiers ({{customer.tier}} in the steps).
// Internal QA has none, so its steps show the variable flagged as missing.
var tiers = map[string]string{
	"acme": "gold", "bergmann": "silver", "nordlicht": "silver", "zeller": "bronze", "helvetia": "gold",
	"globex": "gold", "initech": "bronze", "umbrella": "silver", "stark": "gold",
	"acme-staging": "gold", "globex-staging": "gold",
}

var mainRelease = []release.TemplateInput{
	{Name: "Announce maintenance window", Category: release.Deploy, Type: "text", Content: "Post in #ops-releases:\n\"Starting 2026.11 rollout for {{customer}} — expect 5 minutes of degraded search.\""},
	{Name: "Back up tenant database", Category: release.Deploy, Type: "bash", Content: "kubectl --context {{cluster}} -n {{namespace}} exec deploy/postgres -- \\\n  pg_dump -Fc -d app -f /backups/pre-2026.11.dump\nkubectl --context {{cluster}} -n {{namespace}} exec deploy/postgres -- ls -lh /backups/pre-2026.11.dump"},
	{Name: "Add invoice currency column", Category: release.Deploy, Type: "sql", Content: "ALTER TABLE invoices ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';\nCREATE INDEX CONCURRENTLY idx_invoices_currency ON invoices (currency);\nUPDATE schema_version SET version = '2026.11.0';"},
	{Name: "Upgrade the Helm release", Category: release.Deploy, Type: "bash", Content: "helm upgrade app shipdeck/app \\\n  --kube-context {{cluster}} \\\n  --namespace {{namespace}} \\\n  --version 2026.11.0 \\\n  --reuse-values \\\n  --set image.tag=2026.11.0 \\\n  --wait --timeout 10m"},
	{Name: "Wait for the rollout", Category: release.Deploy, Type: "bash", Content: "kubectl --context {{cluster}} -n {{namespace}} rollout status deploy/api --timeout=5m\nkubectl --context {{cluster}} -n {{namespace}} rollout status deploy/worker --timeout=5m\n# Gold customers have the reporting add-on\nif [ \"{{customer.tier}}\" = gold ]; then\n  kubectl --context {{cluster}} -n {{namespace}} rollout status deploy/reports --timeout=5m\nfi"},
	{Name: "Health endpoint answers", Category: release.Verify, Type: "bash", Content: "kubectl --context {{cluster}} -n {{namespace}} run smoke --rm -i --restart=Never --image=curlimages/curl -- \\\n  curl -fsS http://api/healthz"},
	{Name: "Migration recorded", Category: release.Verify, Type: "sql", Content: "SELECT version, applied_at\nFROM schema_version\nWHERE version = '2026.11.0';"},
	{Name: "Check the customer dashboard", Category: release.Verify, Type: "text", Content: "Log in as the customer's support user and open Invoices.\nThe new Currency column shows EUR for existing invoices."},
}

// Load fills an empty database with three clusters, twelve customers, an
// active release part-way done, a draft hotfix and an archived onboarding —
// all in one transaction, through the services the window calls: it lands
// whole or not at all.
func (s *Service) Load() (err error) {
	defer problem.Recover(&err)
	return s.st.Atomic(func(st *store.Store) error { return NewService(st).load() })
}

func (s *Service) load() error {
	empty := false
	if err := s.st.Read(func(ctx context.Context, db bun.IDB) error {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM clusters) + (SELECT count(*) FROM releases)`).Scan(&n); err != nil {
			return fmt.Errorf("check the database is empty: %w", err)
		}
		empty = n == 0
		return nil
	}); err != nil {
		return err
	}
	if !empty {
		return problem.State("The sample workspace can only be loaded into an empty database.")
	}
	var customers, clusters []int64
	for _, f := range fleet {
		cl, err := s.clusters.Create(cluster.Input{Name: f.cluster, Description: f.description})
		if err != nil {
			return fmt.Errorf("sample cluster %s: %w", f.cluster, err)
		}
		clusters = append(clusters, cl.ID)
		for _, c := range f.customers {
			var meta map[string]string
			if tier := tiers[c[1]]; tier != "" {
				meta = map[string]string{"tier": tier}
			}
			cu, err := s.customers.Create(customer.Input{ClusterID: cl.ID, Name: c[0], Namespace: c[1], Metadata: meta})
			if err != nil {
				return fmt.Errorf("sample customer %s: %w", c[0], err)
			}
			customers = append(customers, cu.ID)
		}
	}
	onboarding, err := s.releases.Create(release.Input{
		Name: "Onboard Stark Industries", Type: "onboarding", VersionNumber: "2026.10",
		Description: "First install for Stark Industries on prod-us.",
		Targets:     release.Targets{Mode: "selected", CustomerIDs: []int64{customers[8]}},
		Templates: []release.TemplateInput{
			{Name: "Create namespace and secrets", Category: release.Deploy, Type: "bash", Content: "kubectl create namespace stark\nkubectl -n stark create secret generic app-db --from-env-file=stark.env"},
			{Name: "Install the Helm chart", Category: release.Deploy, Type: "bash", Content: "helm install app shipdeck/app -n stark --version 2026.10.2 -f values/stark.yaml --wait"},
			{Name: "Customer can log in", Category: release.Verify, Type: "text", Content: "Send the welcome mail and confirm the first login with the customer."},
		},
	})
	if err != nil {
		return err
	}
	if _, err := s.releases.Activate(onboarding.ID); err != nil {
		return err
	}
	ob, err := s.steps.CustomerSteps(onboarding.ID, customers[8])
	if err != nil {
		return err
	}
	for _, st := range append(ob.Deploy, ob.Verify...) {
		if _, err := s.steps.MarkDone(release.TransitionInput{StepID: st.ID}); err != nil {
			return err
		}
	}
	if _, err := s.releases.Archive(onboarding.ID); err != nil {
		return err
	}

	main, err := s.releases.Create(release.Input{
		Name: "2026.11", Type: "release", VersionNumber: "2026.11.0",
		Description: "November release: invoice currencies, faster search, Helm chart 2026.11.",
		Targets:     release.Targets{Mode: "all"}, Templates: mainRelease,
	})
	if err != nil {
		return err
	}
	if _, err := s.releases.Activate(main.ID); err != nil {
		return err
	}
	// prod-eu is mostly through, prod-us has started, staging is done first.
	work := []struct {
		customer int
		done     int
		skip     string
	}{
		{0, 8, ""}, {1, 8, ""}, {2, 5, ""}, {3, 3, ""}, {4, 4, "Customer asked to postpone the schema change to Friday."},
		{5, 4, ""}, {6, 1, ""}, {9, 8, ""}, {10, 8, ""}, {11, 6, ""},
	}
	for _, w := range work {
		cs, err := s.steps.CustomerSteps(main.ID, customers[w.customer])
		if err != nil {
			return err
		}
		all := append(cs.Deploy, cs.Verify...)
		for i := 0; i < w.done && i < len(all); i++ {
			if w.skip != "" && all[i].Type == "sql" {
				if _, err := s.steps.Skip(release.TransitionInput{StepID: all[i].ID, Note: w.skip}); err != nil {
					return err
				}
				continue
			}
			if _, err := s.steps.MarkDone(release.TransitionInput{StepID: all[i].ID, Note: ""}); err != nil {
				return err
			}
		}
	}
	// One rollout had to be undone on Initech; Globex needs its own chart values.
	cs, err := s.steps.CustomerSteps(main.ID, customers[6])
	if err != nil {
		return err
	}
	if _, err := s.steps.Revert(release.TransitionInput{StepID: cs.Deploy[0].ID, Note: "Announcement went to the wrong channel; resend."}); err != nil {
		return err
	}
	cs, err = s.steps.CustomerSteps(main.ID, customers[5])
	if err != nil {
		return err
	}
	if _, err := s.steps.Override(release.OverrideInput{StepID: cs.Deploy[4].ID, Content: "kubectl --context {{cluster}} -n {{namespace}} rollout status deploy/api --timeout=15m\n# Globex runs 40 API replicas: give it longer\nkubectl --context {{cluster}} -n {{namespace}} rollout status deploy/worker --timeout=15m"}); err != nil {
		return err
	}
	if _, err := s.steps.AddCustom(release.CustomStepInput{
		ReleaseID: main.ID, CustomerID: customers[5], Category: release.Deploy, Position: 4,
		Name: "Scale down the report workers", Type: "bash", Content: "kubectl --context {{cluster}} -n {{namespace}} scale deploy/report-worker --replicas=0",
	}); err != nil {
		return err
	}

	_, err = s.releases.Create(release.Input{
		Name: "Hotfix 2026.11.1", Type: "hotfix", VersionNumber: "2026.11.1",
		Description: "Fix currency rounding in PDF invoices for prod-eu.",
		Targets:     release.Targets{Mode: "selected", ClusterIDs: []int64{clusters[0]}},
		Templates: []release.TemplateInput{
			{Name: "Patch the API image", Category: release.Deploy, Type: "bash", Content: "kubectl --context {{cluster}} -n {{namespace}} set image deploy/api api=registry.shipdeck.io/app:2026.11.1\nkubectl --context {{cluster}} -n {{namespace}} rollout status deploy/api"},
			{Name: "Invoice PDF shows two decimals", Category: release.Verify, Type: "text", Content: "Download the latest invoice PDF and check the totals."},
		},
	})
	return err
}
