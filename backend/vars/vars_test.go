package vars

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// acme is a complete context: every built-in set, metadata on all three
// records.
func acme() Context {
	return Context{
		Values: map[string]string{
			"customer":     "Acme GmbH",
			"namespace":    "acme",
			"cluster":      "prod-eu",
			"kubeconfig":   "/home/ops/.kube/prod-eu",
			"release":      "Spring release",
			"version":      "2.4.0",
			"release_type": "minor",
			"release_date": "2025-04-01",
			"step":         "Migrate database",
			"operator":     "",
		},
		Customer: map[string]any{
			"region": "eu-west-1",
			"city":   "Zürich",
			"note":   "it's fine",
			"ports":  []any{80.0, 443.0},
			"tier":   3.0,
			"vip":    true,
			"gone":   nil,
			"limits": map[string]any{"memory": "2Gi", "cpu": 0.5},
			"html":   "<b>&</b>",
			"big":    json.Number("12345678901234567890"),
		},
		Cluster:      map[string]any{"zone": "a"},
		Release:      map[string]any{"ticket": "OPS-12"},
		CustomerName: "Acme GmbH",
		ClusterName:  "prod-eu",
		ReleaseName:  "Spring release",
	}
}

func TestRender(t *testing.T) {
	cases := []struct {
		name, in, want string
		missing        []string // names reported missing, in order
	}{
		{"no variables", "echo hello\n", "echo hello\n", nil},
		{"empty", "", "", nil},
		{"built-in", "kubectl -n {{namespace}} get pods", "kubectl -n acme get pods", nil},
		{"spaces", "{{ namespace }}|{{\tcluster\t}}|{{  version}}", "acme|prod-eu|2.4.0", nil},
		{"empty value is set", "by [{{operator}}]", "by []", nil},
		{"all built-ins", "{{customer}} {{namespace}} {{cluster}} {{kubeconfig}} {{release}} {{version}} {{release_type}} {{release_date}} {{step}}",
			"Acme GmbH acme prod-eu /home/ops/.kube/prod-eu Spring release 2.4.0 minor 2025-04-01 Migrate database", nil},
		{"metadata", "{{customer.region}} {{cluster.zone}} {{release.ticket}}", "eu-west-1 a OPS-12", nil},
		{"unknown built-in", "x{{foo}}y", "x{{foo}}y", []string{"foo"}},
		{"unknown prefix", "{{ region.x }}", "{{ region.x }}", []string{"region.x"}},
		{"case matters", "{{Namespace}}", "{{Namespace}}", []string{"Namespace"}},
		{"missing metadata key", "r={{customer.nope}}", "r={{customer.nope}}", []string{"customer.nope"}},
		{"null is missing", "{{customer.gone}}", "{{customer.gone}}", []string{"customer.gone"}},
		{"missing reported once", "{{foo}} {{ foo }} {{foo}}", "{{foo}} {{ foo }} {{foo}}", []string{"foo"}},
		{"number", "{{customer.tier}}", "3", nil},
		{"boolean", "{{customer.vip}}", "true", nil},
		{"array", "{{customer.ports}}", "[80,443]", nil},
		{"object, keys sorted", "{{customer.limits}}", `{"cpu":0.5,"memory":"2Gi"}`, nil},
		{"json.Number keeps digits", "{{customer.big}}", "12345678901234567890", nil},
		{"no HTML escaping", "{{customer.html}}", "<b>&</b>", nil},
		{"escaped", `\{{customer}}`, "{{customer}}", nil},
		{"escaped then variable", `\{{customer}} {{customer}}`, "{{customer}} Acme GmbH", nil},
		{"escaped missing is not reported", `\{{foo}}`, "{{foo}}", nil},
		{"backslash elsewhere kept", `a\b \{ \}} {{namespace}}\`, `a\b \{ \}} acme\`, nil},
		{"double backslash", `\\{{namespace}}`, `\{{namespace}}`, nil},
		{"unicode around", "→ {{namespace}} ← ünï", "→ acme ← ünï", nil},
		{"unicode in value", "{{customer.city}}", "Zürich", nil},
		{"unicode in braces", "{{ café }}", "{{ café }}", nil},
		{"adjacent", "{{namespace}}{{cluster}}", "acmeprod-eu", nil},
		{"triple braces", "{{{namespace}}}", "{acme}", nil},
		{"nested", "{{ {{namespace}} }}", "{{ acme }}", nil},
		{"unclosed", "{{namespace", "{{namespace", nil},
		{"unclosed then variable", "{{namespace {{cluster}}", "{{namespace prod-eu", nil},
		{"single close", "{{namespace}", "{{namespace}", nil},
		{"empty braces", "{{}} {{ }}", "{{}} {{ }}", nil},
		{"helm", "{{ .Values.image.tag }} {{- include \"x\" . }} {{ a b }}", "{{ .Values.image.tag }} {{- include \"x\" . }} {{ a b }}", nil},
		{"two dots", "{{customer.a.b}}", "{{customer.a.b}}", nil},
		{"dot without key", "{{customer.}}", "{{customer.}}", nil},
		{"space around dot", "{{customer . region}}", "{{customer . region}}", nil},
		{"newline inside", "{{\nnamespace}}", "{{\nnamespace}}", nil},
		{"digit first", "{{1abc}}", "{{1abc}}", nil},
		{"key with dash", "{{customer.team-name}}", "{{customer.team-name}}", []string{"customer.team-name"}},
		{"closing braces alone", "}} }}}", "}} }}}", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Render("text", c.in, acme())
			if got.Text != c.want {
				t.Errorf("Render(%q).Text = %q, want %q", c.in, got.Text, c.want)
			}
			var missing []string
			for _, p := range got.Missing {
				missing = append(missing, p.Name)
			}
			if !reflect.DeepEqual(missing, c.missing) {
				t.Errorf("Render(%q) missing %v, want %v", c.in, missing, c.missing)
			}
			checkSpans(t, c.in, acme(), got)
		})
	}
}

// checkSpans fails unless every span lies in the text and holds the value
// (or, when missing, the variable as written).
func checkSpans(t *testing.T, in string, c Context, r Result) {
	t.Helper()
	prev := 0
	for _, s := range r.Spans {
		if s.Start < prev || s.End < s.Start || s.End > len(r.Text) {
			t.Fatalf("Render(%q): span %+v out of order or outside %d bytes", in, s, len(r.Text))
		}
		prev = s.End
		got := r.Text[s.Start:s.End]
		if s.Missing {
			if !strings.HasPrefix(got, "{{") || !strings.HasSuffix(got, "}}") || !strings.Contains(got, s.Name) {
				t.Fatalf("Render(%q): missing span %+v covers %q", in, s, got)
			}
			continue
		}
		want := c.resolve(s.Name)
		if want.missing != "" || got != want.value {
			t.Fatalf("Render(%q): span %+v covers %q, want %q", in, s, got, want.value)
		}
	}
}

func TestRenderSpans(t *testing.T) {
	in := "ns={{ namespace }} → {{customer.city}}{{foo}}"
	got := Render("bash", in, acme())
	want := []Span{
		{Start: 3, End: 7, Name: "namespace", Source: "built-in: the customer's namespace"},
		{Start: 12, End: 19, Name: "customer.city", Source: "customer metadata of Acme GmbH"},
		{Start: 19, End: 26, Name: "foo", Source: "unknown variable", Missing: true},
	}
	if !reflect.DeepEqual(got.Spans, want) {
		t.Fatalf("spans = %+v\nwant %+v", got.Spans, want)
	}
	if got.Text[3:7] != "acme" || got.Text[12:19] != "Zürich" {
		t.Fatalf("offsets do not point at the values in %q", got.Text)
	}
}

func TestRenderMessages(t *testing.T) {
	cases := []struct {
		in   string
		c    Context
		want string
	}{
		{"{{customer.region}}", Context{CustomerName: "Acme GmbH"}, "customer.region is not set for Acme GmbH."},
		{"{{cluster.zone}}", Context{ClusterName: "prod-eu"}, "cluster.zone is not set for prod-eu."},
		{"{{release.x}}", Context{}, "release.x is not set."},
		{"{{kubeconfig}}", Context{ClusterName: "prod-eu"}, "kubeconfig is not set for prod-eu."},
		{"{{version}}", Context{ReleaseName: "Spring"}, "version is not set for Spring."},
		{"{{step}}", Context{CustomerName: "Acme"}, "step is not set."},
		{"{{foo}}", Context{}, "foo is not a known variable."},
		{"{{Namespace}}", Context{}, "Namespace is not a known variable: names are case-sensitive, did you mean namespace?"},
		{"{{Customer.region}}", Context{}, "Customer.region is not a known variable: names are case-sensitive, did you mean customer.region?"},
		{"{{region.x}}", Context{}, "region.x is not a known variable: metadata variables start with customer., cluster. or release."},
		{"{{customer.gone}}", Context{Customer: map[string]any{"gone": nil}, CustomerName: "A"}, "customer.gone is not set for A."},
	}
	for _, c := range cases {
		got := Render("text", c.in, c.c)
		if len(got.Missing) != 1 || got.Missing[0].Message != c.want {
			t.Errorf("Render(%q).Missing = %+v, want %q", c.in, got.Missing, c.want)
		}
	}
}

func TestRenderUnsafe(t *testing.T) {
	cases := []struct {
		stepType, value, want string
	}{
		{"bash", "eu-west-1", ""},
		{"bash", "Acme GmbH", ""},
		{"bash", "a\tb", ""},
		{"bash", "Zürich", ""},
		{"bash", "it's", "contains a single quote ('), which bash would interpret."},
		{"bash", `say "hi"`, `contains a double quote ("), which bash would interpret.`},
		{"bash", "$HOME", "contains a dollar sign ($), which bash would interpret."},
		{"bash", "`id`", "contains a backtick (`), which bash would interpret."},
		{"bash", `a\b`, `contains a backslash (\), which bash would interpret.`},
		{"bash", "a; rm -rf /", "contains a semicolon (;), which bash would interpret."},
		{"bash", "a | b", "contains a pipe (|), which bash would interpret."},
		{"bash", "a && b", "contains an ampersand (&), which bash would interpret."},
		{"bash", "a > b", "contains a redirection (< or >), which bash would interpret."},
		{"bash", "f(x)", "contains a parenthesis, which bash would interpret."},
		{"bash", "*.yaml", "contains a wildcard (*, ? or [), which bash would interpret."},
		{"bash", "line1\nline2", "contains a line break, which bash would interpret."},
		{"bash", "a\x1bb", "contains a control character, which bash would interpret."},
		{"bash", "it's $x; y", "contains a single quote ('), a dollar sign ($) and a semicolon (;), which bash would interpret."},
		{"sql", "O'Brien", "contains a single quote ('), which would end an SQL string."},
		{"sql", `a"b; $x`, ""},
		{"text", "it's $x; `y`", ""},
		{"yaml", "it's", ""},
	}
	for _, c := range cases {
		ctx := Context{Customer: map[string]any{"v": c.value}}
		got := Render(c.stepType, "x {{customer.v}} {{customer.v}}", ctx)
		want := ""
		if c.want != "" {
			want = "customer.v " + c.want
		}
		if len(got.Spans) != 2 || got.Spans[0].Unsafe != want || got.Spans[1].Unsafe != want {
			t.Errorf("%s %q: spans %+v, want unsafe %q", c.stepType, c.value, got.Spans, want)
		}
		wantList := []Problem{}
		if want != "" {
			wantList = []Problem{{Name: "customer.v", Message: want}}
		}
		if !reflect.DeepEqual(got.Unsafe, wantList) {
			t.Errorf("%s %q: Unsafe = %+v, want %+v", c.stepType, c.value, got.Unsafe, wantList)
		}
	}
}

func TestRenderIdentity(t *testing.T) {
	for _, in := range []string{"", "plain", "{ x } }} {", `\{ \\ {x}`, "ünï\n\x00\xff", "{\n{"} {
		got := Render("bash", in, acme())
		if got.Text != in || len(got.Spans) != 0 || len(got.Missing) != 0 || len(got.Unsafe) != 0 {
			t.Errorf("Render(%q) = %+v, want the content itself", in, got)
		}
	}
}

func TestNames(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"echo hi", []string{}},
		{"{{namespace}} {{ customer.region }} {{namespace}} {{foo}}", []string{"namespace", "customer.region", "foo"}},
		{`\{{customer}} {{ .Values.x }} {{a b}} {{}}`, []string{}},
		{"{{{cluster}}}", []string{"cluster"}},
	}
	for _, c := range cases {
		if got := Names(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Names(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLacks(t *testing.T) {
	in := "{{namespace}} {{customer.region}} {{cluster.zone}} {{foo}} {{customer.gone}} {{foo}} {{operator}}"
	cases := []struct {
		name string
		c    Context
		want []string
	}{
		{"complete", acme(), []string{"foo", "customer.gone"}},
		{"empty", Context{}, []string{"namespace", "customer.region", "cluster.zone", "foo", "customer.gone", "operator"}},
		{"no metadata", Context{Values: map[string]string{"namespace": "a", "operator": ""}}, []string{"customer.region", "cluster.zone", "foo", "customer.gone"}},
	}
	for _, c := range cases {
		if got := Lacks(in, c.c); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Lacks = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestValuesNotRescanned: a value is inserted as it is, even when it looks
// like a variable or an escape.
func TestValuesNotRescanned(t *testing.T) {
	c := Context{Customer: map[string]any{"v": `{{namespace}} \{{x}}`}, Values: map[string]string{"namespace": "acme"}}
	got := Render("text", "{{customer.v}}|{{namespace}}", c)
	if got.Text != `{{namespace}} \{{x}}|acme` || len(got.Spans) != 2 || len(got.Missing) != 0 {
		t.Fatalf("Render = %+v", got)
	}
}

// TestValuesOnlyBuiltins: a key in Values that is not a built-in does not
// create a variable.
func TestValuesOnlyBuiltins(t *testing.T) {
	got := Render("text", "{{region}}", Context{Values: map[string]string{"region": "eu"}})
	if got.Text != "{{region}}" || len(got.Missing) != 1 {
		t.Fatalf("Render = %+v, want {{region}} missing", got)
	}
}

func TestBuiltins(t *testing.T) {
	b := Builtins()
	if len(b) != 10 || b[0].Name != "customer" || b[9].Name != "operator" {
		t.Fatalf("Builtins() = %+v", b)
	}
	b[0].Name = "changed"
	if Builtins()[0].Name != "customer" {
		t.Fatal("Builtins returned the package's own slice")
	}
}

func TestMetadataText(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{"a\"b", "a\"b"},
		{3.0, "3"},
		{1.5, "1.5"},
		{1e21, "1e+21"},
		{false, "false"},
		{nil, "null"},
		{[]any{}, "[]"},
		{map[string]any{"b": 1.0, "a": "<x>"}, `{"a":"<x>","b":1}`},
		{json.Number("007"), "007"},
	}
	for _, c := range cases {
		got, err := MetadataText(c.in)
		if err != nil || got != c.want {
			t.Errorf("MetadataText(%#v) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := MetadataText(func() {}); err == nil {
		t.Error("MetadataText(func) succeeded")
	}
}

// FuzzRender checks the scanner's promises on any input: no panic, text
// outside variables untouched, spans inside the text.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"", "{{namespace}}", `\{{customer}}`, "{{{customer}}}", "{{ {{customer}} }}",
		"{{customer", "{{}}", "{{ .Values.x }}", "{{customer.region}}{{foo}}",
		"{{ customer.ports }} {{customer.note}}", "é{{\tcluster\t}}é", `\\{{x}}\{{{`,
	} {
		f.Add(s)
	}
	full := acme()
	full.Customer["note"] = "{{namespace}} \\{{ }}"
	f.Fuzz(func(t *testing.T, in string) {
		// With nothing resolvable every variable stays as written, so the
		// only change is the escape.
		empty := Render("bash", in, Context{})
		if want := strings.ReplaceAll(in, `\{{`, "{{"); empty.Text != want {
			t.Fatalf("Render(%q) with no context = %q, want %q", in, empty.Text, want)
		}
		for _, s := range empty.Spans {
			if !s.Missing {
				t.Fatalf("Render(%q) with no context resolved %+v", in, s)
			}
		}

		r := Render("bash", in, full)
		checkSpans(t, in, full, r)
		if len(r.Missing) > len(Names(in)) || len(Lacks(in, full)) != len(r.Missing) {
			t.Fatalf("Render(%q): Missing %v disagrees with Names %v / Lacks %v", in, r.Missing, Names(in), Lacks(in, full))
		}

		// Both renders see the same variables at the same places, and the
		// text between them is the input's, unescaped.
		if normalise(r) != normalise(empty) {
			t.Fatalf("Render(%q): text outside the variables changed: %q vs %q", in, normalise(r), normalise(empty))
		}

		bare := in
		for strings.Contains(bare, "{{") {
			bare = strings.ReplaceAll(bare, "{{", "")
		}
		if got := Render("bash", bare, full); got.Text != bare || len(got.Spans) != 0 {
			t.Fatalf("Render(%q) = %q, want it unchanged", bare, got.Text)
		}
	})
}

// normalise writes every variable of r back as {{name}}, whatever its value.
func normalise(r Result) string {
	var b strings.Builder
	prev := 0
	for _, s := range r.Spans {
		b.WriteString(r.Text[prev:s.Start])
		b.WriteString("{{" + s.Name + "}}")
		prev = s.End
	}
	b.WriteString(r.Text[prev:])
	return b.String()
}

// script is a realistic 40-line bash step with 10 variables.
const script = `#!/usr/bin/env bash
set -euo pipefail
# Upgrade {{customer}} to {{ version }} ({{release}}, {{release_type}})
export KUBECONFIG="{{kubeconfig}}"
NS="{{namespace}}"
echo "Operator: {{operator}}, step: {{step}}"
kubectl config current-context
kubectl -n "$NS" get deploy -o wide
kubectl -n "$NS" scale deploy/worker --replicas=0
kubectl -n "$NS" rollout status deploy/worker --timeout=120s
helm upgrade app ./chart \
  --namespace "$NS" \
  --set image.tag={{version}} \
  --set region={{customer.region}} \
  --set values.tag="{{ .Values.image.tag }}" \
  --wait --timeout 10m
for i in 1 2 3 4 5; do
  if kubectl -n "$NS" get pods | grep -q Running; then
    break
  fi
  sleep 10
done
kubectl -n "$NS" get pods
kubectl -n "$NS" logs deploy/app --tail=50
cat <<EOT > /tmp/report.txt
customer: {{customer}}
cluster: {{cluster}}
version: {{version}}
EOT
if [ -n "${DRY_RUN:-}" ]; then
  echo "dry run"
  exit 0
fi
kubectl -n "$NS" annotate deploy/app shipdeck/version=2 --overwrite
kubectl -n "$NS" scale deploy/worker --replicas=2
kubectl -n "$NS" rollout status deploy/worker --timeout=120s
echo \{{not a variable}}
curl -fsS https://status.example.com/health
echo "done at $(date -Iseconds)"
echo "ticket {{release.ticket}}"
exit 0
`

func BenchmarkRenderStep(b *testing.B) {
	c := acme()
	b.SetBytes(int64(len(script)))
	for b.Loop() {
		Render("bash", script, c)
	}
}

// BenchmarkRenderPreview2000 renders one step for 2,000 customers, as a
// preview of a release does; one op is the whole fleet.
func BenchmarkRenderPreview2000(b *testing.B) {
	contexts := make([]Context, 2000)
	for i := range contexts {
		c := acme()
		c.Values = map[string]string{}
		for k, v := range acme().Values {
			c.Values[k] = v
		}
		c.Values["customer"] = fmt.Sprintf("Customer %d", i)
		c.Values["namespace"] = fmt.Sprintf("cust-%d", i)
		c.CustomerName = c.Values["customer"]
		c.Customer = map[string]any{"region": fmt.Sprintf("eu-%d", i%3)}
		contexts[i] = c
	}
	for b.Loop() {
		for _, c := range contexts {
			Render("bash", script, c)
		}
	}
}

func BenchmarkRenderIdentity(b *testing.B) {
	plain := strings.ReplaceAll(script, "{{", "((")
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		Render("bash", plain, Context{})
	}
}

// TestLargeContent renders 1 MiB inputs shaped to defeat a quadratic
// scanner (a run of braces, one long unclosed variable, 100,000 distinct
// names); a quadratic one would take minutes here.
func TestLargeContent(t *testing.T) {
	var distinct strings.Builder
	for i := 0; distinct.Len() < 1<<20; i++ {
		fmt.Fprintf(&distinct, "{{v%d}}", i)
	}
	for name, in := range map[string]string{
		"braces":   strings.Repeat("{", 1<<20),
		"unclosed": "{{" + strings.Repeat(" ", 1<<20),
		"escapes":  strings.Repeat(`\{{`, 1<<18),
		"distinct": distinct.String(),
	} {
		r := Render("bash", in, acme())
		if name != "distinct" && len(r.Spans) != 0 {
			t.Errorf("%s: %d spans", name, len(r.Spans))
		}
		if name == "distinct" && (len(r.Missing) != len(r.Spans) || len(Names(in)) != len(r.Spans) || len(Lacks(in, acme())) != len(r.Spans)) {
			t.Errorf("%s: %d spans, %d missing", name, len(r.Spans), len(r.Missing))
		}
	}
}
