package fleetcsv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func parse(t *testing.T, in string) ([]Row, []Problem) {
	t.Helper()
	rows, problems, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatalf("Parse(%q): %v", in, err)
	}
	return rows, problems
}

func TestParseFormats(t *testing.T) {
	acme := Row{Line: 2, Cluster: "prod-eu", Namespace: "acme", Name: "Acme GmbH"}
	cases := []struct {
		name, in string
		want     []Row
	}{
		{"comma", "cluster,namespace,name\nprod-eu,acme,Acme GmbH\n", []Row{acme}},
		{"no final newline", "cluster,namespace,name\nprod-eu,acme,Acme GmbH", []Row{acme}},
		{"semicolon", "cluster;namespace;name\nprod-eu;acme;Acme GmbH\n", []Row{acme}},
		{"semicolon with commas in values", "cluster;namespace;name;description\nprod-eu;acme;Acme GmbH;a, b, c\n",
			[]Row{{Line: 2, Cluster: "prod-eu", Namespace: "acme", Name: "Acme GmbH", Description: "a, b, c"}}},
		{"excel sep line", "sep=;\ncluster;namespace;name\nprod-eu;acme;Acme GmbH\n",
			[]Row{{Line: 3, Cluster: "prod-eu", Namespace: "acme", Name: "Acme GmbH"}}},
		{"BOM", "\ufeffcluster,namespace,name\nprod-eu,acme,Acme GmbH\n", []Row{acme}},
		{"CRLF", "cluster,namespace,name\r\nprod-eu,acme,Acme GmbH\r\n", []Row{acme}},
		{"header case and order", "Name, NAMESPACE ,Cluster\nAcme GmbH,acme,prod-eu\n", []Row{acme}},
		{"spaces after separators", "cluster, namespace, name\nprod-eu, acme, \"Acme GmbH\"\n", []Row{acme}},
		{"quotes", "cluster,namespace,name,description\nprod-eu,acme,\"Acme, \"\"the best\"\"\",\"say \"\"hi\"\"\"\n",
			[]Row{{Line: 2, Cluster: "prod-eu", Namespace: "acme", Name: `Acme, "the best"`, Description: `say "hi"`}}},
		{"newlines in a field shift lines", "cluster,namespace,name,description\nprod-eu,a,A,\"one\r\ntwo\nthree\"\nprod-eu,b,B,\n",
			[]Row{{Line: 2, Cluster: "prod-eu", Namespace: "a", Name: "A", Description: "one\ntwo\nthree"}, {Line: 5, Cluster: "prod-eu", Namespace: "b", Name: "B"}}},
		{"metadata", "cluster,namespace,name,meta.region,META.tier\nprod-eu,acme,Acme GmbH,eu-west-1,\nprod-eu,beta,Beta,, 3 \n",
			[]Row{
				{Line: 2, Cluster: "prod-eu", Namespace: "acme", Name: "Acme GmbH", Meta: map[string]string{"region": "eu-west-1"}},
				{Line: 3, Cluster: "prod-eu", Namespace: "beta", Name: "Beta", Meta: map[string]string{"tier": "3"}},
			}},
		{"unicode", "cluster;namespace;name;meta.city\nprod-eu;acme;Zürich AG 東京;Zürich\n",
			[]Row{{Line: 2, Cluster: "prod-eu", Namespace: "acme", Name: "Zürich AG 東京", Meta: map[string]string{"city": "Zürich"}}}},
		{"blank rows skipped", "cluster,namespace,name\n\nprod-eu,acme,Acme GmbH\n,,\n , ,\t\n   \n",
			[]Row{{Line: 3, Cluster: "prod-eu", Namespace: "acme", Name: "Acme GmbH"}}},
		{"same namespace on two clusters", "cluster,namespace,name\nprod-eu,acme,A\nprod-us,acme,A\n",
			[]Row{{Line: 2, Cluster: "prod-eu", Namespace: "acme", Name: "A"}, {Line: 3, Cluster: "prod-us", Namespace: "acme", Name: "A"}}},
		{"header only", "cluster,namespace,name\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, problems := parse(t, c.in)
			if len(problems) != 0 {
				t.Fatalf("problems: %+v", problems)
			}
			if !reflect.DeepEqual(rows, c.want) {
				t.Fatalf("rows = %+v\nwant %+v", rows, c.want)
			}
		})
	}
}

func TestParseProblems(t *testing.T) {
	cases := []struct {
		name, in string
		want     []Problem
	}{
		{"empty file", "", []Problem{{1, "", "The file is empty: its first line must name the columns cluster, namespace and name."}}},
		{"missing columns", "cluster,description\nprod,x\n", []Problem{
			{1, "namespace", "The header has no 'namespace' column; it needs cluster, namespace and name."},
			{1, "name", "The header has no 'name' column; it needs cluster, namespace and name."},
		}},
		{"unknown, unnamed, duplicate and bad meta columns", "cluster,namespace,name,region,,Name,meta.Region,meta.ok,META.ok\nprod,acme,A,eu,,B,x,1,2\n", []Problem{
			{1, "region", "Column 'region' is not known: use cluster, namespace, name, description, or meta.KEY for metadata."},
			{1, "", "Column 5 has no name in the header."},
			{1, "name", "Column 'name' appears twice in the header."},
			{1, "meta.Region", "Metadata key 'Region' must start with a lower-case letter and use only lower-case letters, digits and '_'."},
			{1, "meta.ok", "Column 'meta.ok' appears twice in the header."},
		}},
		{"empty required cells, all reported", "cluster,namespace,name,description\n , ,\"\",something\n", []Problem{
			{2, "cluster", "Cluster is required."},
			{2, "namespace", "Namespace is required."},
			{2, "name", "Name is required."},
		}},
		{"validate messages kept", "cluster,namespace,name,description,meta.note\nprod,Acme,A,ok,\"a\x01\"\n", []Problem{
			{2, "namespace", "Namespace must be lower case: use 'acme'."},
			{2, "meta.note", "The value of metadata key 'note' contains a control character that cannot be stored."},
		}},
		{"name too long", "cluster,namespace,name\nprod,acme," + strings.Repeat("n", 101) + "\n", []Problem{
			{2, "name", "Name must be at most 100 characters (it has 101)."},
		}},
		{"bad namespace", "cluster,namespace,name\nprod,ac_me,A\n", []Problem{
			{2, "namespace", "Namespace 'ac_me' is not a valid Kubernetes name: use lower-case letters, digits and '-', starting and ending with a letter or digit."},
		}},
		{"duplicate names the earlier line", "cluster,namespace,name\nprod,acme,A\nprod,beta,B\nprod,acme,C\n", []Problem{
			{4, "namespace", "Namespace 'acme' on cluster 'prod' is already on line 2."},
		}},
		{"wrong number of fields", "cluster,namespace,name\nprod,acme\nprod,beta,B,extra\n", []Problem{
			{2, "", "This line has 2 fields but the header has 3; a value that contains the separator must be in double quotes."},
			{3, "", "This line has 4 fields but the header has 3; a value that contains the separator must be in double quotes."},
		}},
		{"bare quote, later lines still read", "cluster,namespace,name\nprod,acme,Acme \"Inc\"\nprod,,B\n", []Problem{
			{2, "", "A double quote appears inside a value that does not start with one: put the whole value in double quotes and write the quote inside it twice (\"\")."},
			{3, "namespace", "Namespace is required."},
		}},
		{"unclosed quote", "cluster,namespace,name\nprod,acme,\"Acme\nprod,beta,B\n", []Problem{
			{2, "", "A value in double quotes is not closed where it should be: it must end with a double quote, and a quote inside it must be written twice (\"\")."},
		}},
		{"not UTF-8", "cluster,namespace,name\nprod,acme,A\nprod,beta,Z\xfcrich\n", []Problem{
			{3, "", "The file is not UTF-8 text (this line has a character in another encoding): save it from the spreadsheet as \"CSV UTF-8\"."},
		}},
		{"UTF-16", "\xff\xfec\x00l\x00", []Problem{
			{1, "", "The file is UTF-16 text: save it from the spreadsheet as \"CSV UTF-8\"."},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems := parse(t, c.in)
			if !reflect.DeepEqual(problems, c.want) {
				t.Fatalf("problems:\n%s\nwant:\n%s", show(problems), show(c.want))
			}
		})
	}
}

func show(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %d %q %q\n", p.Line, p.Column, p.Message)
	}
	return b.String()
}

// TestParseKeepsFaultyRows: a row with problems is still returned, with the
// refused cells as written, so a preview can show it.
func TestParseKeepsFaultyRows(t *testing.T) {
	rows, problems := parse(t, "cluster,namespace,name\nprod,Acme,A\n")
	want := []Row{{Line: 2, Cluster: "prod", Namespace: "Acme", Name: "A"}}
	if len(problems) != 1 || !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %+v, problems %+v", rows, problems)
	}
}

func TestParseTooLarge(t *testing.T) {
	in := io.MultiReader(strings.NewReader("cluster,namespace,name\n"), bytes.NewReader(make([]byte, MaxSize)))
	rows, problems, err := Parse(in)
	if err != nil || rows != nil || len(problems) != 1 || problems[0].Line != 0 || !strings.Contains(problems[0].Message, "larger than 32 MB") {
		t.Fatalf("Parse of a huge file = %v, %+v, %v", rows, problems, err)
	}
}

func TestParseReadError(t *testing.T) {
	_, _, err := Parse(iotest.ErrReader(errors.New("disk gone")))
	if err == nil || !strings.Contains(err.Error(), "read customers file: disk gone") {
		t.Fatalf("Parse error = %v", err)
	}
}

// fleet builds a file of n customers on three clusters, with metadata.
func fleet(n int) string {
	var b strings.Builder
	b.WriteString("cluster,namespace,name,description,meta.region,meta.tier\n")
	for i := range n {
		fmt.Fprintf(&b, "prod-%d,cust-%d,\"Customer %d, Inc.\",Imported,eu-%d,%d\n", i%3, i, i, i%4, i%5)
	}
	return b.String()
}

func TestParseFleetWithThreeBadRows(t *testing.T) {
	lines := strings.SplitAfter(fleet(2000), "\n")
	// Line numbers are 1-based and line 1 is the header.
	lines[100-1] = "prod-0,Bad-NS,Customer 99,,,\n"
	lines[1000-1] = "prod-2,cust-5,Dup,,,\n" // cust-5 is on prod-2 at line 7

	lines[1999-1] = "prod-0,cust-x,,,,\n"
	rows, problems := parse(t, strings.Join(lines, ""))
	want := []Problem{
		{100, "namespace", "Namespace must be lower case: use 'bad-ns'."},
		{1000, "namespace", "Namespace 'cust-5' on cluster 'prod-2' is already on line 7."},
		{1999, "name", "Name is required."},
	}
	if !reflect.DeepEqual(problems, want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", show(problems), show(want))
	}
	if len(rows) != 2000 {
		t.Fatalf("%d rows, want 2000", len(rows))
	}
}

func TestWriteParseRoundTrip(t *testing.T) {
	rows := []Row{
		{Cluster: "prod-eu", Namespace: "acme", Name: `Acme, "the best"`, Description: "line one\nline two; three",
			Meta: map[string]string{"region": "eu-west-1", "note": "a,b;c \"d\"\nnext"}},
		{Cluster: "prod-eu", Namespace: "beta", Name: "Zürich AG 東京"},
		{Cluster: "prod-us", Namespace: "acme", Name: "Acme US", Meta: map[string]string{"zone": "b"}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(buf.String(), "\n")
	if header != "cluster,namespace,name,description,meta.note,meta.region,meta.zone" {
		t.Fatalf("header = %q", header)
	}
	got, problems := parse(t, buf.String())
	if len(problems) != 0 {
		t.Fatalf("problems: %+v", problems)
	}
	wantLines := []int{2, 5, 6} // the first row spans three lines
	for i := range got {
		if got[i].Line != wantLines[i] {
			t.Errorf("row %d on line %d, want %d", i, got[i].Line, wantLines[i])
		}
		got[i].Line = 0
	}
	if !reflect.DeepEqual(got, rows) {
		t.Fatalf("round trip:\n%+v\nwant\n%+v", got, rows)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	err := Write(failWriter{}, []Row{{Cluster: "c", Namespace: "n", Name: "x"}})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Write error = %v", err)
	}
}

func BenchmarkParse2000(b *testing.B) {
	in := fleet(2000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		rows, problems, err := Parse(strings.NewReader(in))
		if err != nil || len(problems) != 0 || len(rows) != 2000 {
			b.Fatalf("%d rows, %v, %v", len(rows), problems, err)
		}
	}
}

// FuzzParse checks that Parse never fails on data, puts every problem on a
// line of the file, and that what it accepts survives Write and Parse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		fleet(3),
		"\ufeffcluster;namespace;name\r\nprod;acme;\"A\r\nB\"\r\n",
		"sep=;\ncluster;namespace;name;meta.x\nprod;acme;A;\"1;2\"\n",
		"cluster,namespace,name\nprod,acme,\"A\n",
		"name,cluster,namespace,meta.Region,x\n,,\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, problems, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Fatalf("Parse error on data: %v", err)
		}
		lines := strings.Count(in, "\n") + 1
		for _, p := range problems {
			if p.Line < 0 || p.Line > lines || p.Message == "" || !strings.HasSuffix(p.Message, ".") {
				t.Fatalf("problem %+v in a file of %d lines", p, lines)
			}
		}
		for _, r := range rows {
			if r.Line < 1 || r.Line > lines {
				t.Fatalf("row %+v in a file of %d lines", r, lines)
			}
		}
		if len(problems) != 0 {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, rows); err != nil {
			t.Fatal(err)
		}
		again, problems, err := Parse(&buf)
		if err != nil || len(problems) != 0 || len(again) != len(rows) {
			t.Fatalf("Write then Parse: %d rows, %+v, %v; want %d rows", len(again), problems, err, len(rows))
		}
		for i := range again {
			again[i].Line, rows[i].Line = 0, 0
		}
		if !reflect.DeepEqual(again, rows) {
			t.Fatalf("round trip changed rows:\n%+v\n%+v", again, rows)
		}
	})
}
