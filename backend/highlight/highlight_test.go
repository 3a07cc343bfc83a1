package highlight

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"shipdeck/backend/problem"
)

// liveTags returns the element names in s that a browser would create.
func liveTags(t testing.TB, s string) []string {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(s))
	var tags []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tags
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tags = append(tags, string(name))
		}
	}
}

var allowed = map[string]bool{"pre": true, "code": true, "span": true, "table": true, "tr": true, "td": true, "div": true, "a": false}

func TestHighlightEscapesEverything(t *testing.T) {
	hostile := `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>` + "\n" + `echo "</code></pre><script>alert(1)</script>"`
	for _, typ := range []string{"bash", "sql", "text"} {
		r, err := HTML(typ, hostile)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range liveTags(t, r.HTML) {
			if !allowed[tag] {
				t.Errorf("%s: live <%s> in output:\n%s", typ, tag, r.HTML)
			}
		}
		if !strings.Contains(r.HTML, "&lt;script&gt;") {
			t.Errorf("%s: the script tag is not shown as text:\n%s", typ, r.HTML)
		}
		if r.Lines != 2 {
			t.Errorf("%s: lines = %d, want 2", typ, r.Lines)
		}
	}
}

func TestHighlightUsesClassesAndLineNumbers(t *testing.T) {
	r, err := HTML("bash", "helm upgrade app chart \\\n  --wait\n")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "style=") || !strings.Contains(r.HTML, `class="`) {
		t.Fatalf("want class-based HTML, got:\n%s", r.HTML)
	}
	if !strings.Contains(r.HTML, `<span class="ln">1`) || !strings.Contains(r.HTML, `<span class="ln">2`) || r.Lines != 2 {
		t.Fatalf("want line numbers 1 and 2:\n%s", r.HTML)
	}
	again, _ := HTML("bash", "helm upgrade app chart \\\n  --wait\n")
	if again != r {
		t.Fatal("cached result differs")
	}
}

func TestHighlightRefusals(t *testing.T) {
	cases := []struct{ typ, content string }{
		{"python", "print(1)"},
		{"", "x"},
		{"bash", strings.Repeat("a", 2<<20)},
	}
	for _, c := range cases {
		_, err := NewService().Highlight(Request{Type: c.typ, Content: c.content})
		if !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("%q: want invalid, got %v", c.typ, err)
		}
	}
}

func TestStylesScopeDarkTheme(t *testing.T) {
	st, err := NewService().Styles()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.Light, ".chroma") || !strings.Contains(st.Dark, ".dark .chroma") {
		t.Fatalf("styles not scoped:\nlight %.200s\ndark %.200s", st.Light, st.Dark)
	}
	for _, line := range strings.Split(st.Dark, "\n") {
		if strings.Contains(line, "{") && !strings.Contains(line, ".dark ") {
			t.Fatalf("unscoped dark rule: %q", line)
		}
	}
}

func FuzzHighlight(f *testing.F) {
	f.Add("bash", "echo <b>hi</b>")
	f.Add("sql", "SELECT '<script>alert(1)</script>';")
	f.Add("text", "<img src=x onerror=alert(1)>")
	f.Fuzz(func(t *testing.T, typ, content string) {
		r, err := HTML(typ, content)
		if err != nil {
			return
		}
		for _, tag := range liveTags(t, r.HTML) {
			if !allowed[tag] {
				t.Fatalf("live <%s> for %q", tag, content)
			}
		}
	})
}
