// Package highlight renders step content as HTML with chroma's CSS classes
// (docs/design.md, "Highlighting"). Everything is escaped: content with
// <script> or HTML is shown as text and never runs. The frontend injects
// only this HTML.
package highlight

import (
	"crypto/sha256"
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters/html"

	"shipdeck/backend/problem"
	"shipdeck/backend/validate"
)

// Request is content to highlight; Type is bash, sql or text.
type Request struct {
	Content string `json:"content"`
	Type    string `json:"type"`
}

// Result is the highlighted HTML and its number of lines.
type Result struct {
	HTML  string `json:"html"`
	Lines int    `json:"lines"`
}

// Styles are the stylesheets of the light and dark themes. The HTML is the
// same for both: the frontend switches with the html.dark class.
type Styles struct {
	Light string `json:"light"`
	Dark  string `json:"dark"`
}

// Service is bound to the frontend.
type Service struct{}

// NewService returns the highlighting service.
func NewService() *Service { return &Service{} }

// Line numbers go inline, one line a span (not chroma's table of numbers
// and code): a long line can then wrap with its number beside it.
var formatter = html.New(html.WithClasses(true), html.WithLineNumbers(true), html.TabWidth(4))

var lexerFor = map[string]string{"bash": "bash", "sql": "sql", "text": "plaintext"}

// The lexers and styles Shipdeck uses, read from chroma's own definitions
// (copied in chroma/, see its README) the first time they are needed:
// importing chroma's lexers and styles packages would parse all of them at
// every start.
//
//go:embed chroma/*.xml
var definitions embed.FS

var (
	loadOnce sync.Once
	loaded   map[string]chroma.Lexer
	themes   map[string]*chroma.Style
)

func load() {
	loaded, themes = map[string]chroma.Lexer{}, map[string]*chroma.Style{}
	for _, n := range []string{"bash", "sql", "plaintext"} {
		loaded[n] = chroma.MustNewXMLLexer(definitions, "chroma/"+n+".xml")
	}
	for _, n := range []string{"github", "github-dark"} {
		f, err := definitions.Open("chroma/" + n + ".xml")
		if err != nil {
			panic(err) // embedded: present at build time
		}
		themes[n] = chroma.MustNewXMLStyle(f)
		f.Close()
	}
}

func lexerNamed(name string) chroma.Lexer {
	loadOnce.Do(load)
	return loaded[name]
}

func styleNamed(name string) *chroma.Style {
	loadOnce.Do(load)
	return themes[name]
}

// cache keeps recent results: long SQL takes tens of milliseconds to render.
var cache = struct {
	sync.Mutex
	m     map[[32]byte]Result
	order [][32]byte
}{m: map[[32]byte]Result{}}

const cacheSize = 256

// HTML highlights content of a step type.
func HTML(typ, content string) (Result, error) {
	name, ok := lexerFor[typ]
	if !ok {
		return Result{}, problem.Invalid("type", "Step type must be one of bash, sql, text (got '%s').", strings.ToValidUTF8(typ, "?"))
	}
	if len(content) > validate.MaxContent {
		return Result{}, problem.Invalid("content", "Step content is too large to show (over 1 MB).")
	}
	content = strings.ToValidUTF8(content, "\uFFFD")
	key := sha256.Sum256([]byte(typ + "\x00" + content))
	cache.Lock()
	if r, ok := cache.m[key]; ok {
		cache.Unlock()
		return r, nil
	}
	cache.Unlock()

	lexer := chroma.Coalesce(lexerNamed(name))
	it, err := lexer.Tokenise(nil, content)
	if err != nil {
		return Result{}, fmt.Errorf("tokenise %s: %w", typ, err)
	}
	var b strings.Builder
	if err := formatter.Format(&b, styleNamed("github"), it); err != nil {
		return Result{}, fmt.Errorf("format %s: %w", typ, err)
	}
	r := Result{HTML: b.String(), Lines: strings.Count(strings.TrimSuffix(content, "\n"), "\n") + 1}
	if content == "" {
		r.Lines = 0
	}
	cache.Lock()
	if _, ok := cache.m[key]; !ok {
		cache.m[key] = r
		cache.order = append(cache.order, key)
		if len(cache.order) > cacheSize {
			delete(cache.m, cache.order[0])
			cache.order = cache.order[1:]
		}
	}
	cache.Unlock()
	return r, nil
}

// Highlight returns content as highlighted HTML with line numbers.
func (s *Service) Highlight(in Request) (out Result, err error) {
	defer problem.Recover(&err)
	return HTML(in.Type, in.Content)
}

// Styles returns the CSS of both themes, scoped so that the dark one applies
// under html.dark only.
func (s *Service) Styles() (out Styles, err error) {
	defer problem.Recover(&err)
	var light, dark strings.Builder
	if err := formatter.WriteCSS(&light, styleNamed("github")); err != nil {
		return out, fmt.Errorf("write light theme CSS: %w", err)
	}
	if err := formatter.WriteCSS(&dark, styleNamed("github-dark")); err != nil {
		return out, fmt.Errorf("write dark theme CSS: %w", err)
	}
	return Styles{Light: light.String(), Dark: scope(dark.String(), ".dark ")}, nil
}

// scope prefixes every selector of chroma's CSS (one rule a line).
func scope(css, prefix string) string {
	var out strings.Builder
	for _, line := range strings.Split(css, "\n") {
		if i := strings.Index(line, "{"); i > 0 && strings.HasPrefix(strings.TrimSpace(line), "/*") {
			// chroma writes "/* Name */ .chroma .x { … }"
			if j := strings.Index(line, "*/"); j > 0 && j < i {
				line = line[:j+2] + " " + prefix + strings.TrimSpace(line[j+2:])
			}
		} else if strings.HasPrefix(strings.TrimSpace(line), ".") {
			line = prefix + strings.TrimSpace(line)
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.String()
}
