package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shipdeck/backend/problem"
)

func TestImportFileRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("fleet.csv", []byte("\ufeffcluster;namespace;name\nZürich;acme;Acme\n"))
	if got, err := readCSV(good); err != nil || got != "\ufeffcluster;namespace;name\nZürich;acme;Acme\n" {
		t.Fatalf("read %q %v", got, err)
	}
	big, err := os.Create(filepath.Join(dir, "big.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(21 << 20); err != nil {
		t.Fatal(err)
	}
	big.Close()
	cases := []struct{ name, path, want string }{
		{"latin-1", write("latin1.csv", []byte("cluster,namespace,name\nprod,acme,Z\xfcrich\n")), "latin1.csv: The file is not UTF-8 text"},
		{"utf-16", write("utf16.csv", []byte{0xff, 0xfe, 'c', 0}), "utf16.csv: The file is UTF-16 text"},
		{"too large", big.Name(), "big.csv has 21 MB, far more than a customers file holds (at most 20 MB)"},
		{"missing", filepath.Join(dir, "gone.csv"), "gone.csv cannot be read: it does not exist (any more)."},
		{"folder", dir, "is a folder, not a spreadsheet file."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readCSV(c.path)
			var pe *problem.Error
			if !errors.As(err, &pe) || !strings.Contains(pe.Message, c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
		})
	}
}

func TestExportFileWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeCSV(p, "cluster,namespace,name\n"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "cluster,namespace,name\n" {
		t.Fatalf("wrote %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind %v", entries)
	}
	err := writeCSV(filepath.Join(dir, "no-such-dir", "x.csv"), "x")
	var pe *problem.Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, "x.csv could not be saved: its folder does not exist (any more).") {
		t.Fatalf("save into a missing folder: %v", err)
	}
}
