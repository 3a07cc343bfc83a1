// Package packaging holds no Go code: these tests check, without building
// anything, that Shipdeck's identity is consistent everywhere the platforms
// read it. Wails renders build/darwin/Info.plist, build/windows/info.json and
// build/windows/wails.exe.manifest as Go templates over wails.json's name and
// info; the tests render them the same way. packaging/dist_test.sh checks the
// built artefacts themselves.
package packaging

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/color"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template"
)

// project mirrors the part of wails.json (and of Wails' template data) we use.
type project struct {
	Name           string `json:"name"`
	OutputFilename string `json:"outputfilename"`
	Info           info   `json:"info"`
}

// info has the fields of Wails v2.9.2's project.Info, so a template naming a
// field Wails does not have fails here as it would in `wails build`.
type info struct {
	CompanyName      string  `json:"companyName"`
	ProductName      string  `json:"productName"`
	ProductVersion   string  `json:"productVersion"`
	Copyright        *string `json:"copyright"`
	Comments         *string `json:"comments"`
	FileAssociations []struct {
		Ext, Name, Description, IconName, Role string
	} `json:"fileAssociations"`
	Protocols []struct {
		Scheme, Description, Role string
	} `json:"protocols"`
}

const bundleID = "io.shipdeck.desktop"

func root(t *testing.T, parts ...string) string {
	t.Helper()
	return filepath.Join(append([]string{".."}, parts...)...)
}

func loadProject(t *testing.T) project {
	t.Helper()
	raw, err := os.ReadFile(root(t, "wails.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p project
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("wails.json: %v", err)
	}
	return p
}

// render executes a build/ template with the data Wails gives it.
func render(t *testing.T, p project, rel string) []byte {
	t.Helper()
	src, err := os.ReadFile(root(t, "build", rel))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.New(rel).Option("missingkey=error").Parse(string(src))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	var out bytes.Buffer
	data := struct {
		Name string
		Info info
	}{p.Name, p.Info}
	if err := tmpl.Execute(&out, data); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return out.Bytes()
}

func TestProjectIdentity(t *testing.T) {
	p := loadProject(t)
	if p.Name != "Shipdeck" || p.Info.ProductName != "Shipdeck" || p.Info.CompanyName != "Shipdeck" {
		t.Errorf("name %q, product %q, company %q: want Shipdeck for all", p.Name, p.Info.ProductName, p.Info.CompanyName)
	}
	if p.OutputFilename != "shipdeck" {
		t.Errorf("outputfilename = %q, want shipdeck", p.OutputFilename)
	}
	// Windows wants numeric a.b.c(.d); Debian and macOS accept it too.
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(p.Info.ProductVersion) {
		t.Errorf("productVersion %q is not MAJOR.MINOR.PATCH", p.Info.ProductVersion)
	}
	if p.Info.Copyright == nil || p.Info.Comments == nil {
		t.Error("wails.json info needs copyright and comments (the templates use them)")
	}
}

// plistDict reads the top-level <dict> of a property list into key → string
// value (non-string values are left out).
func plistDict(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.Strict = true
	out := map[string]string{}
	depth, key, inKey, inString := 0, "", false, false
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return out
			}
			t.Fatalf("Info.plist is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "dict" {
				depth++
			}
			inKey = depth == 1 && el.Name.Local == "key"
			inString = depth == 1 && el.Name.Local == "string"
			text.Reset()
		case xml.CharData:
			text.Write(el)
		case xml.EndElement:
			switch {
			case el.Name.Local == "dict":
				depth--
			case inKey:
				key = strings.TrimSpace(text.String())
			case inString && key != "":
				out[key] = strings.TrimSpace(text.String())
				key = ""
			}
			inKey, inString = false, false
		}
	}
}

func TestDarwinInfoPlist(t *testing.T) {
	p := loadProject(t)
	for _, name := range []string{"Info.plist", "Info.dev.plist"} {
		t.Run(name, func(t *testing.T) {
			d := plistDict(t, render(t, p, "darwin/"+name))
			want := map[string]string{
				"CFBundlePackageType":        "APPL",
				"CFBundleIdentifier":         bundleID,
				"CFBundleName":               "Shipdeck",
				"CFBundleDisplayName":        "Shipdeck",
				"CFBundleShortVersionString": p.Info.ProductVersion,
				"CFBundleVersion":            p.Info.ProductVersion,
				// Wails writes the binary as Contents/MacOS/<outputfilename>
				// and the icon as Contents/Resources/iconfile.icns.
				"CFBundleExecutable":       p.OutputFilename,
				"CFBundleIconFile":         "iconfile",
				"NSHumanReadableCopyright": *p.Info.Copyright,
			}
			for k, v := range want {
				if d[k] != v {
					t.Errorf("%s = %q, want %q", k, d[k], v)
				}
			}
			if min := d["LSMinimumSystemVersion"]; versionLess(min, minMacOS(t)) {
				t.Errorf("LSMinimumSystemVersion = %s: the frontend's CSS needs macOS %s", min, minMacOS(t))
			}
		})
	}
}

// minMacOS is the oldest macOS whose own WebKit renders the frontend's CSS.
// Tailwind 4 styles rest on @property (Safari 16.4) and color-mix() (16.2),
// which macOS ships from 13.3 (Ventura); Go 1.26 itself needs macOS 12. The
// stylesheet is the built one when there is one, else the source.
func minMacOS(t *testing.T) string {
	css, _ := filepath.Glob(root(t, "frontend", "dist", "assets", "*.css"))
	css = append(css, root(t, "frontend", "src", "index.css"))
	for _, f := range css {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte("@property")) || bytes.Contains(b, []byte("color-mix(")) || bytes.Contains(b, []byte(`@import "tailwindcss"`)) {
			return "13.3"
		}
	}
	return "12.0"
}

func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func TestWindowsVersionInfo(t *testing.T) {
	p := loadProject(t)
	raw := render(t, p, "windows/info.json")
	var vi struct {
		Fixed map[string]string            `json:"fixed"`
		Info  map[string]map[string]string `json:"info"`
	}
	if err := json.Unmarshal(raw, &vi); err != nil {
		t.Fatalf("rendered info.json is not JSON: %v\n%s", err, raw)
	}
	v := p.Info.ProductVersion
	if vi.Fixed["file_version"] != v || vi.Fixed["product_version"] != v {
		t.Errorf("fixed versions %v, want %s", vi.Fixed, v)
	}
	strs := vi.Info["0000"]
	want := map[string]string{
		"ProductVersion": v, "FileVersion": v, "ProductName": "Shipdeck",
		"CompanyName": "Shipdeck", "FileDescription": "Shipdeck",
		"OriginalFilename": "shipdeck.exe", "LegalCopyright": *p.Info.Copyright,
	}
	for k, w := range want {
		if strs[k] != w {
			t.Errorf("%s = %q, want %q", k, strs[k], w)
		}
	}
}

func TestWindowsManifest(t *testing.T) {
	p := loadProject(t)
	raw := render(t, p, "windows/wails.exe.manifest")
	var m struct {
		Identity struct {
			Name    string `xml:"name,attr"`
			Version string `xml:"version,attr"`
		} `xml:"assemblyIdentity"`
		Application struct {
			Settings struct {
				DPIAwareness string `xml:"dpiAwareness"`
			} `xml:"windowsSettings"`
		} `xml:"application"`
	}
	if err := xml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("manifest is not XML: %v", err)
	}
	if m.Identity.Name != bundleID || m.Identity.Version != p.Info.ProductVersion+".0" {
		t.Errorf("assemblyIdentity %q %q, want %q %q", m.Identity.Name, m.Identity.Version, bundleID, p.Info.ProductVersion+".0")
	}
	if !strings.Contains(m.Application.Settings.DPIAwareness, "permonitorv2") {
		t.Errorf("dpiAwareness %q: want per-monitor v2", m.Application.Settings.DPIAwareness)
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil || format != "png" {
		t.Fatalf("%s: not a PNG (%v)", path, err)
	}
	return img
}

func near(c color.Color, r, g, b uint8, tol int) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v <= tol && v >= -tol }
	return d(cr, r) && d(cg, g) && d(cb, b)
}

func TestIcons(t *testing.T) {
	app := decodePNG(t, root(t, "build", "appicon.png"))
	if b := app.Bounds(); b.Dx() != 1024 || b.Dy() != 1024 {
		t.Errorf("appicon.png is %v, want 1024x1024", b.Size())
	}
	// Shipdeck's indigo tile, not the Wails logo: transparent corner, indigo
	// edge of the tile, white deck in the middle.
	if _, _, _, a := app.At(4, 4).RGBA(); a != 0 {
		t.Error("appicon.png: the corner should be transparent")
	}
	if c := app.At(100, 512); !near(c, 0x55, 0x55, 0xe8, 24) {
		t.Errorf("appicon.png: tile colour %v, want indigo", c)
	}
	if c := app.At(512, 300); !near(c, 0xff, 0xff, 0xff, 24) {
		t.Errorf("appicon.png: deck colour %v, want white", c)
	}
	for _, s := range []int{16, 24, 32, 48, 64, 128, 256, 512} {
		img := decodePNG(t, root(t, "build", "icon", "shipdeck-"+strconv.Itoa(s)+".png"))
		if b := img.Bounds(); b.Dx() != s || b.Dy() != s {
			t.Errorf("shipdeck-%d.png is %v", s, b.Size())
		}
	}
	ico, err := os.ReadFile(root(t, "build", "windows", "icon.ico"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ico) < 6 || ico[2] != 1 || ico[3] != 0 {
		t.Fatal("icon.ico is not an ICO file")
	}
	got := map[int]bool{}
	for i := 0; i < int(ico[4]); i++ {
		w := int(ico[6+16*i])
		if w == 0 {
			w = 256
		}
		got[w] = true
	}
	for _, s := range []int{16, 24, 32, 48, 64, 128, 256} {
		if !got[s] {
			t.Errorf("icon.ico has no %dx%d image", s, s)
		}
	}
}

func TestDesktopEntryAndPackage(t *testing.T) {
	raw, err := os.ReadFile("shipdeck.desktop")
	if err != nil {
		t.Fatal(err)
	}
	entry := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			entry[k] = v
		}
	}
	for k, v := range map[string]string{"Type": "Application", "Name": "Shipdeck", "Exec": "shipdeck", "Icon": "shipdeck", "Terminal": "false"} {
		if entry[k] != v {
			t.Errorf("shipdeck.desktop %s=%q, want %q", k, entry[k], v)
		}
	}
	// Every file nfpm packs, except the freshly built binary, is in the tree.
	cfg, err := os.ReadFile("nfpm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srcs := regexp.MustCompile(`(?m)^\s*- src: (\S+)$`).FindAllStringSubmatch(string(cfg), -1)
	if len(srcs) < 10 {
		t.Fatalf("nfpm.yaml lists %d files, want the binary, the desktop entry and the icons", len(srcs))
	}
	for _, m := range srcs {
		if strings.HasPrefix(m[1], "${STAGE}") {
			continue
		}
		if _, err := os.Stat(root(t, m[1])); err != nil {
			t.Errorf("nfpm.yaml packs %s: %v", m[1], err)
		}
	}
	for _, dep := range []string{"libgtk-3-0", "libwebkit2gtk-4.1-0", "gtk3", "webkit2gtk4.1"} {
		if !strings.Contains(string(cfg), "  - "+dep+"\n") {
			t.Errorf("nfpm.yaml does not depend on %s", dep)
		}
	}
	if strings.Contains(string(cfg), "4.0-37") {
		t.Error("nfpm.yaml still depends on WebKitGTK 4.0, which current distributions no longer ship")
	}
}
