package runbook

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// tricky are step contents that a YAML writer gets wrong in one way or
// another; each must come back byte for byte.
var tricky = []string{
	"echo one line, no newline",
	"echo one line\n",
	"two trailing newlines\n\n",
	"three\n\n\n",
	"  leading spaces on the first line\nthen none\n",
	"\tleading tab\n\tand another\n",
	"\n\nleading empty lines\n",
	"   \nwhitespace-only first line\n",
	"middle\n   \nwhitespace-only line\n\nand an empty one",
	"trailing spaces   \nhere  \n",
	"ends with spaces   ",
	"---\ndocument marker\n--- and more\n...\n",
	"# not a comment\nkey: value # neither\n",
	"quotes \"double\" and 'single' and `back`\n",
	"{{customer}} on {{cluster}} \\{{literal}}\n",
	"unicode: naïve café ✓ 日本語 🚀\n",
	"- looks like a list\n? looks like a key\n: and a value\n",
	"&anchor *alias !tag %directive @at\n",
	"| pipe\n> greater\n",
	"windows line ends\r\nsecond\r\n",
	"lone \r carriage return",
	"SELECT 'a: b' FROM t WHERE x = 'y #z';\n",
	"line separators \u2028 and \u2029 and NEL \u0085 here\n",
	"byte order mark \ufeff inside\n",
	"kubectl -n \"$NS\" exec deploy/postgres -- \\\n  pg_dump -Fc -d app\n",
	"x",
	"true",
	"0x1F",
	"2026.11",
	"null",
	"~",
	"   ",
	"a\n\n\n\nb\n\n",
}

func TestRoundTrip(t *testing.T) {
	var deploy, verify []Step
	for i, c := range tricky {
		s := Step{Name: fmt.Sprintf("Step %d", i+1), Category: Deploy, Type: StepTypes[i%3], Content: c}
		if i%4 == 0 {
			s.Description = "Description of " + s.Name
		}
		if i%2 == 0 {
			deploy = append(deploy, s)
		} else {
			s.Category = Verify
			verify = append(verify, s)
		}
	}
	// Names and descriptions YAML would read as something else.
	deploy = append(deploy,
		Step{Name: "2026.11", Category: Deploy, Type: "bash", Content: "echo", Description: "Multi-line\ndescription: with a colon\n"},
		Step{Name: "yes", Category: Deploy, Type: "text", Content: "echo", Description: "- dash"},
		Step{Name: "key: value # comment", Category: Deploy, Type: "sql", Content: "echo", Description: "#hash"},
		Step{Name: "'quoted' \"name\"", Category: Deploy, Type: "bash", Content: "echo"},
		Step{Name: "[flow] {map} *star &amp !bang %pct @at `tick`", Category: Deploy, Type: "bash", Content: "echo"},
		Step{Name: "日本語の手順 ✓", Category: Deploy, Type: "bash", Content: "echo"},
		Step{Name: strings.Repeat("n", 100), Category: Deploy, Type: "bash", Content: "echo"},
	)
	var b bytes.Buffer
	if err := Write(&b, "2026.11", deploy, verify); err != nil {
		t.Fatal(err)
	}
	// "   " is blank content, which Parse refuses (as the app does): every
	// other step must come back exactly.
	rb, problems, err := Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	wantProblems := []string{"Step content is required."}
	if len(problems) != len(wantProblems) || !strings.HasSuffix(problems[0].Message, wantProblems[0]) {
		t.Fatalf("problems %v\n%s", problems, b.String())
	}
	if rb.Name != "2026.11" {
		t.Errorf("name %q", rb.Name)
	}
	check := func(want, got []Step) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%d steps back, want %d\n%s", len(got), len(want), b.String())
		}
		for i := range want {
			w := want[i]
			w.Description = strings.TrimSpace(w.Description) // the app trims descriptions
			if !reflect.DeepEqual(got[i], w) {
				t.Errorf("step %d:\n got %+q\nwant %+q", i+1, got[i], w)
			}
		}
	}
	check(deploy, rb.Deploy)
	check(verify, rb.Verify)

	// What was read writes and reads back the same again.
	var again bytes.Buffer
	if err := Write(&again, rb.Name, rb.Deploy, rb.Verify); err != nil {
		t.Fatal(err)
	}
	rb2, _, err := Parse(&again)
	if err != nil || !reflect.DeepEqual(rb2, rb) {
		t.Errorf("a second round trip changed the steps: %v", err)
	}
}

// TestRoundTripRandom writes random contents built from YAML's special
// characters and reads them back.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	pieces := []string{"\n", "\n\n", " ", "  ", "\t", "#", "- ", ": ", "---", "...", "|", ">", "'", "\"", "\\", "{{x}}", "a", "b c", "é", "✓", "\r\n", "&a", "*a", "!t", "%", "@", "`", "[", "]", "{", "}", ",", "?"}
	for round := 0; round < 300; round++ {
		var steps []Step
		for i := 0; i < 5; i++ {
			var c strings.Builder
			c.WriteString("x") // never blank
			for n := rng.IntN(25); n > 0; n-- {
				c.WriteString(pieces[rng.IntN(len(pieces))])
			}
			if rng.IntN(2) == 0 {
				s := c.String()
				c.Reset()
				c.WriteString(pieces[rng.IntN(len(pieces))] + s)
			}
			steps = append(steps, Step{Name: fmt.Sprintf("s%d", i), Category: Deploy, Type: "bash", Content: c.String()})
		}
		var b bytes.Buffer
		if err := Write(&b, "", steps, nil); err != nil {
			t.Fatal(err)
		}
		rb, problems, err := Parse(&b)
		if err != nil || len(problems) > 0 {
			t.Fatalf("%v %v\n%s", err, problems, b.String())
		}
		for i := range steps {
			if rb.Deploy[i].Content != steps[i].Content {
				t.Fatalf("content %q came back as %q\n%s", steps[i].Content, rb.Deploy[i].Content, b.String())
			}
		}
	}
}

func TestWriteReadable(t *testing.T) {
	var b bytes.Buffer
	err := Write(&b, "2026.11", []Step{
		{Name: "Back up tenant database", Type: "bash", Description: "Before the schema change.", Content: "kubectl -n \"$NS\" exec deploy/postgres -- \\\n  pg_dump -Fc -d app\n"},
		{Name: "Add invoice currency column", Type: "sql", Content: "ALTER TABLE invoices ADD COLUMN currency CHAR(3);"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `# A Shipdeck runbook: the deploy and verify steps of a release, in order.
# Import it into a release to add these steps to its templates.
shipdeck: runbook/1
name: "2026.11"
steps:
  deploy:
    - name: Back up tenant database
      type: bash
      description: Before the schema change.
      content: |
        kubectl -n "$NS" exec deploy/postgres -- \
          pg_dump -Fc -d app
    - name: Add invoice currency column
      type: sql
      content: ALTER TABLE invoices ADD COLUMN currency CHAR(3);
  verify: []
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestParseHandWritten reads a runbook written by hand, in the forms YAML
// allows: flow lists, folded and plain scalars, comments, a BOM, CRLF.
func TestParseHandWritten(t *testing.T) {
	src := "\ufeff# my runbook\r\nshipdeck: runbook/1\r\nsteps:\r\n  deploy:\r\n  - name: One   # comment\r\n    type: text\r\n    content: >\r\n      folded\r\n      text\r\n  verify: [{name: Two, type: sql, content: 'SELECT 1;'}]\r\n"
	rb, problems, err := Parse(strings.NewReader(src))
	if err != nil || len(problems) > 0 {
		t.Fatalf("%v %v", err, problems)
	}
	want := Runbook{
		Deploy: []Step{{Name: "One", Category: Deploy, Type: "text", Content: "folded text\n"}},
		Verify: []Step{{Name: "Two", Category: Verify, Type: "sql", Content: "SELECT 1;"}},
	}
	if !reflect.DeepEqual(rb, want) {
		t.Errorf("got %+q\nwant %+q", rb, want)
	}
}

// Ten malformed runbooks, each with every message it must produce.
func TestParseProblems(t *testing.T) {
	long := strings.Repeat("x", 101)
	big := strings.Repeat("echo 0123456789abcdef\n", (1<<20)/22+1)
	cases := []struct {
		name, src string
		want      []string
	}{
		{"empty file", "", []string{"The file is empty: a runbook starts with 'shipdeck: runbook/1'."}},
		{"comments only", "# nothing here\n\n", []string{"The file holds only comments: a runbook starts with 'shipdeck: runbook/1'."}},
		{"wrong schema marker", "shipdeck: runbook/2\nsteps:\n  deploy:\n    - name: A\n      type: bash\n      content: echo\n",
			[]string{"Line 1: this runbook is in format 'runbook/2'; this version of Shipdeck reads 'runbook/1'."}},
		{"not a runbook", "shipdeck: release-report/1\nschema: x\n",
			[]string{
				"The runbook has no 'steps:' section.",
				"Line 1: 'shipdeck: release-report/1' is not a runbook: a runbook says 'shipdeck: runbook/1'.",
				"Line 2: unknown field 'schema' (expected 'shipdeck', 'name' or 'steps').",
			}},
		{"unknown fields", `shipdeck: runbook/1
name: 2026.11
steps:
  deploy:
    - name: Back up
      type: bash
      comand: |
        kubectl get pods
      owner: ops
  verfy: []
`, []string{
			"Line 5: Step content is required.",
			"Line 7: unknown field 'comand' (did you mean 'content'?).",
			"Line 9: unknown field 'owner' (expected 'name', 'type', 'description' or 'content').",
			"Line 10: unknown field 'verfy' (did you mean 'verify'?).",
		}},
		{"missing name and content, bad type", `shipdeck: runbook/1
steps:
  deploy:
    - type: powershell
      content: Get-Process
    - name: "   "
      type: bash
      content: ""
  verify:
    - description: nothing else
`, []string{
			"Line 4: Step type must be one of bash, sql, text (got 'powershell').",
			"Line 4: Step name is required.",
			"Line 6: Step name is required.",
			"Line 8: Step content is required.",
			"Line 10: Step name is required.",
			"Line 10: Step type is required (bash, sql or text).",
			"Line 10: Step content is required.",
		}},
		{"duplicate names", `shipdeck: runbook/1
steps:
  deploy:
    - name: Restart
      type: bash
      content: kubectl rollout restart deploy/api
    - name: Restart
      type: bash
      content: kubectl rollout restart deploy/worker
  verify:
    - name: Restart
      type: text
      content: Check that it restarted.
`, []string{"Line 7: another deploy step is already named 'Restart' (line 4): step names must differ within deploy and within verify."}},
		{"name too long and content too large", "shipdeck: runbook/1\nsteps:\n  deploy:\n    - name: " + long + "\n      type: bash\n      content: |\n" +
			indent(big, "        ") + "  verify: []\n", []string{
			"Line 4: Step name must be at most 100 characters (it has 101).",
			"Line 6: Step content is too large: 1.0 MB, the limit is 1 MB.",
		}},
		{"wrong shapes", `shipdeck: runbook/1
deploy: []
steps:
  deploy:
    - just a string
    - name: [a, b]
      type: bash
      content:
        nested: mapping
  verify: nope
`, []string{
			"Line 2: 'deploy' belongs under 'steps:' (indent it below a line 'steps:').",
			"Line 5: deploy step 1 must be a mapping with name, type and content, not text.",
			"Line 6: 'name' must be text, not a list.",
			"Line 9: 'content' must be text, not a mapping.",
			"Line 10: 'verify' must be a list of steps, each starting with '- name:', not text.",
		}},
		{"invalid YAML", "shipdeck: runbook/1\nsteps:\n  deploy:\n    - name: \"unclosed\n      type: bash\n", []string{
			"Line 4: this is not valid YAML (could not find end character of double-quoted text).",
		}},
		{"no steps, two documents", "shipdeck: runbook/1\nsteps:\n  deploy: []\n---\nshipdeck: runbook/1\n", []string{
			"Line 2: the runbook holds no steps: add them under 'deploy:' or 'verify:'.",
			"Line 5: The file holds more than one YAML document (a line '---' separates them): a runbook is one document.",
		}},
		{"key given twice, category field", "shipdeck: runbook/1\nsteps:\n  deploy:\n    - name: A\n      category: deploy\n      type: bash\n      type: sql\n      content: x\n", []string{
			"Line 7: 'type' is given twice (first on line 6).",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems, err := Parse(strings.NewReader(c.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range problems {
				got = append(got, p.Message)
				if p.Line > 0 && !strings.HasPrefix(p.Message, fmt.Sprintf("Line %d: ", p.Line)) {
					t.Errorf("problem on line %d says %q", p.Line, p.Message)
				}
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

func TestParseRefusesOtherFiles(t *testing.T) {
	for name, c := range map[string]struct {
		src  []byte
		want string
	}{
		"UTF-16":     {[]byte("\xff\xfes\x00h\x00"), "The file is UTF-16 text: save it as UTF-8."},
		"Latin-1":    {[]byte("shipdeck: runbook/1\nname: caf\xe9\n"), "The file is not UTF-8 text (this line has a character in another encoding): save it as UTF-8."},
		"a list":     {[]byte("- a\n- b\n"), "Line 1: a runbook is a mapping of fields that starts with 'shipdeck: runbook/1', not a list."},
		"too large":  {bytes.Repeat([]byte("# padding\n"), MaxSize/10+1), "The file is larger than 16 MB, far more than a runbook holds: check that it is the right file."},
		"an alias":   {[]byte("shipdeck: runbook/1\nsteps:\n  deploy:\n    - name: &n A\n      type: bash\n      content: *n\n"), "Line 6: 'content' is an alias (*name): aliases are not supported in a runbook, write the value out."},
		"whitespace": {[]byte("  \n\t\n"), "The file is empty: a runbook starts with 'shipdeck: runbook/1'."},
	} {
		_, problems, err := Parse(bytes.NewReader(c.src))
		if err != nil || len(problems) != 1 || problems[0].Message != c.want {
			t.Errorf("%s: %v %+v", name, err, problems)
		}
	}
}

func TestSuggest(t *testing.T) {
	for key, want := range map[string]string{
		"comand": "content", "contnet": "content", "command": "content", "script": "content", "nmae": "name",
		"Name": "name", "typ": "type", "kind": "type", "desc": "description", "descripton": "description",
		"owner": "", "x": "", "timeout": "",
	} {
		if got := suggest(key, stepFields, stepSynonyms); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}
