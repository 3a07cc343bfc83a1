package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// hostileWorld is the sample with markup in every text a report shows.
func hostileWorld(t *testing.T) *world {
	w := sampleWorld(t)
	w.exec(`UPDATE releases SET name = ?, description = ? WHERE id = ?`,
		`</title><script>alert("release")</script>`, `<style>body{display:none}</style> & <a href="https://evil.example">x</a>`, w.release)
	w.exec(`UPDATE clusters SET name = ? WHERE name = 'prod-us'`, `<script src="https://evil.example/c.js"></script>`)
	w.exec(`UPDATE customers SET name = ? WHERE namespace = 'globex'`, `<img src=x onerror=alert(1)> | Globex *Corp*`)
	w.exec(`UPDATE customer_steps SET notes = ? WHERE id = ?`, "<script>alert('note')</script>\n| a | b |\n<iframe src=\"//evil.example\"></iframe>", w.step("acme", "Back up tenant database"))
	w.exec(`UPDATE customer_steps SET skip_reason = ? WHERE skip_reason IS NOT NULL`, `<link rel="stylesheet" href="https://evil.example/x.css">`)
	w.exec(`UPDATE customer_steps SET content = ? WHERE is_overridden`, "</pre><script>alert('override')</script>\necho ```\n")
	w.exec(`UPDATE customer_steps SET content = ?, name = ? WHERE is_custom`, "<svg onload=alert(1)>\n<base href=\"https://evil.example/\">", `<b onmouseover=alert(1)>custom</b>`)
	w.exec(`UPDATE release_customers SET held_at = 1, held_by = ?, hold_reason = ? WHERE customer_id = ?`,
		`<script>`, `<meta http-equiv="refresh" content="0;url=https://evil.example">`, w.cust["initech"])
	return w
}

// checkSafeHTML parses a report page and fails on anything that could run
// or load: elements that fetch or execute, event handlers, URLs in
// attributes or CSS, and a missing Content-Security-Policy.
func checkSafeHTML(t *testing.T, page []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[atom.Atom]bool{
		atom.Script: true, atom.Iframe: true, atom.Frame: true, atom.Object: true, atom.Embed: true, atom.Link: true,
		atom.Base: true, atom.Form: true, atom.Img: true, atom.Svg: true, atom.Audio: true, atom.Video: true, atom.Source: true,
		atom.A: true, atom.Input: true, atom.Button: true,
	}
	var csps, styles int
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		if n.Type == html.ElementNode {
			if forbidden[n.DataAtom] {
				t.Errorf("a live <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"):
					t.Errorf("<%s> has an event handler %s", n.Data, a.Key)
				case key == "src" || key == "href" || key == "srcset" || key == "action" || key == "formaction" || key == "poster" || key == "xlink:href":
					t.Errorf("<%s> has a %s attribute: %q", n.Data, a.Key, a.Val)
				case key == "style" && strings.Contains(strings.ToLower(a.Val), "url("):
					t.Errorf("<%s> style loads a URL: %q", n.Data, a.Val)
				}
			}
			if n.DataAtom == atom.Meta {
				var equiv, content string
				for _, a := range n.Attr {
					switch strings.ToLower(a.Key) {
					case "http-equiv":
						equiv = strings.ToLower(a.Val)
					case "content":
						content = a.Val
					}
				}
				switch equiv {
				case "content-security-policy":
					if !inHead || content != csp {
						t.Errorf("CSP %q (in head: %v)", content, inHead)
					}
					csps++
				case "":
				default:
					t.Errorf("a <meta http-equiv=%q>", equiv)
				}
			}
			if n.DataAtom == atom.Style {
				styles++
				css := cssComment.ReplaceAllString(strings.ToLower(textOf(n)), "")
				if strings.Contains(css, "url(") || strings.Contains(css, "@import") || strings.Contains(css, "//") {
					t.Errorf("the stylesheet loads something")
				}
			}
			if n.DataAtom == atom.Head {
				inHead = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inHead)
		}
	}
	walk(doc, false)
	if csps != 1 || styles != 1 {
		t.Errorf("%d CSP meta elements and %d stylesheets, want one each", csps, styles)
	}
	return doc
}

// cssComment matches one CSS comment.
var cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		b.WriteString(textOf(c))
	}
	return b.String()
}

func TestHTMLSample(t *testing.T) {
	w := sampleWorld(t)
	page := w.render(HTML, Selection{ReleaseID: w.release})
	checkSafeHTML(t, page)
	s := string(page)
	// Nothing refers to anything outside the file.
	for _, ref := range []string{"http://", "https://", "src=", "href=", "url(", "@import", "<script"} {
		if strings.Contains(strings.ToLower(s), ref) {
			t.Errorf("the page holds %q", ref)
		}
	}
	for _, want := range []string{
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
		"section.cluster { break-before: page; }",
		`class="chroma"`, // highlighted custom/overridden content
		`<span class="add">+# Globex runs 40 API replicas: give it longer</span>`, // the override's diff
		"Zeller Logistik", // on hold
		"timed out",       // a failed run
		"Paged on-call, &#34;twice&#34; | see &lt;b&gt;INC-42&lt;/b&gt;", // the note, escaped
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := strings.Count(s, `<section class="cluster">`); n != 3 {
		t.Errorf("%d cluster sections, want 3", n)
	}
}

func TestHTMLHostile(t *testing.T) {
	w := hostileWorld(t)
	page := w.render(HTML, Selection{ReleaseID: w.release})
	doc := checkSafeHTML(t, page)
	text := textOf(doc)
	// The markup is there, as text.
	for _, want := range []string{
		`<script>alert('note')</script>`, `<img src=x onerror=alert(1)> | Globex *Corp*`, `</pre><script>alert('override')</script>`,
		`<svg onload=alert(1)>`, `<link rel="stylesheet" href="https://evil.example/x.css">`, `<meta http-equiv="refresh" content="0;url=https://evil.example">`,
		`</title><script>alert("release")</script>`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
}

// mdCells counts the cells of a Markdown table row: pipes not escaped with
// a backslash, less one.
func mdCells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

func TestMarkdownHostile(t *testing.T) {
	w := hostileWorld(t)
	md := string(w.render(Markdown, Selection{ReleaseID: w.release}))
	lines := strings.Split(md, "\n")
	inFence, fence := false, ""
	cells := 0
	for i, line := range lines {
		if inFence {
			if line == fence {
				inFence = false
			}
			continue
		}
		if strings.HasPrefix(line, "```") {
			inFence, fence = true, strings.TrimRight(line, "abcdefghijklmnopqrstuvwxyz")
			continue
		}
		if strings.HasPrefix(line, "|") {
			if cells == 0 {
				cells = mdCells(line)
			} else if n := mdCells(line); n != cells {
				t.Errorf("line %d has %d cells, its table %d: %s", i+1, n, cells, line)
			}
		} else {
			cells = 0
		}
		// The only raw HTML is <br>.
		rest := strings.ReplaceAll(line, "<br>", "")
		for j := 0; j < len(rest); j++ {
			if rest[j] == '\\' {
				j++
				continue
			}
			if rest[j] == '<' {
				t.Errorf("line %d has raw markup: %s", i+1, line)
				break
			}
		}
	}
	if inFence {
		t.Error("a code fence is never closed: content broke out of it")
	}
	// The override's content holds ``` so its fence is longer.
	if !strings.Contains(md, "````diff\n") {
		t.Error("the override's diff is not in a four-backtick fence")
	}
}

func TestMarkdownText(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                   "plain",
		"a | b":                   `a \| b`,
		"*bold* _it_ `code`":      "\\*bold\\* \\_it\\_ \\`code\\`",
		"[x](http://e)":           `\[x\](http://e)`,
		"![img](x)":               `\!\[img\](x)`,
		"<script>":                `\<script\>`,
		"Bergmann & Söhne":        "Bergmann & Söhne",
		"&amp; &#60;":             `\&amp; \&\#60;`,
		"# heading":               `\# heading`,
		"- item":                  `\- item`,
		"line 1\nline 2\r\nline3": "line 1<br>line 2<br>line3",
		"  padded  ":              "padded",
		`back\slash`:              `back\\slash`,
		"~~strike~~":              `\~\~strike\~\~`,
		"日本 ✓":                    "日本 ✓",
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHTMLPrint prints the sample's page with Chromium, as an operator
// would, and rasterises the first two PDF pages. Set
// SHIPDECK_REPORT_ARTIFACTS to a folder to keep the PDF and the PNGs.
func TestHTMLPrint(t *testing.T) {
	chromium := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		t.Fatal("Chromium is not installed (make test-deps installs it): the print test needs it")
	}
	pdftoppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatal("pdftoppm is not installed (apt-get install poppler-utils): the print test needs it")
	}
	w := sampleWorld(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, w.render(HTML, Selection{ReleaseID: w.release}), 0o600); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "report.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--no-default-browser-check", "--user-data-dir="+filepath.Join(dir, "profile"),
		// Any request would fail to resolve: the page must not need one.
		"--host-resolver-rules=MAP * ~NOTFOUND", "--no-pdf-header-footer",
		"--print-to-pdf="+pdf, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	if out, err := exec.CommandContext(ctx, pdftoppm, "-png", "-r", "60", "-l", "2", pdf, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	sort.Strings(pngs)
	if len(pngs) != 2 {
		t.Fatalf("%d page images, want 2 (the first two pages)", len(pngs))
	}
	for _, p := range pngs {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		// A printed page, portrait, with ink on it.
		b := img.Bounds()
		ink := 0
		for y := b.Min.Y; y < b.Max.Y; y += 2 {
			for x := b.Min.X; x < b.Max.X; x += 2 {
				if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0xe000 {
					ink++
				}
			}
		}
		if b.Dy() <= b.Dx() || ink < 500 {
			t.Errorf("%s: %dx%d with %d inked samples", filepath.Base(p), b.Dx(), b.Dy(), ink)
		}
	}
	if keep := os.Getenv("SHIPDECK_REPORT_ARTIFACTS"); keep != "" {
		noErr(t, os.MkdirAll(keep, 0o755))
		for _, p := range append(pngs, pdf, page) {
			if data, err := os.ReadFile(p); err == nil {
				noErr(t, os.WriteFile(filepath.Join(keep, filepath.Base(p)), data, 0o644))
			}
		}
	}
}
