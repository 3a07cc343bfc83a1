package report

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The expected hunks are what GNU diff -u prints for the same texts.
func TestUnifiedDiff(t *testing.T) {
	cases := []struct {
		name, a, b, want string
	}{
		{"equal", "same\n", "same\n", ""},
		{"two hunks", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n",
			"@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n"},
		{"newline added at the end", "x\ny", "x\ny\n",
			"@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+y\n"},
		{"from empty", "", "new\n", "@@ -0,0 +1 @@\n+new\n"},
		{"to empty", "old\n", "", "@@ -1 +0,0 @@\n-old\n"},
		{"insert and delete", "one\ntwo\nthree\n", "zero\none\nthree\n", "@@ -1,3 +1,3 @@\n+zero\n one\n-two\n three\n"},
	}
	for _, c := range cases {
		got := ""
		if h := unifiedDiff(c.a, c.b); h != nil {
			got = strings.TrimPrefix(unifiedText("a", "b", h), "--- a\n+++ b\n")
		}
		if got != c.want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", c.name, got, c.want)
		}
	}
}

// TestEditScript: on random texts, the script's kept and removed lines are
// the old text, its kept and added lines the new one, and it is no longer
// than the trivial script.
func TestEditScript(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a\n", "b\n", "c\n", "d\n", "e"}
	text := func() []string {
		n := rng.IntN(30)
		out := make([]string, n)
		for i := range out {
			out[i] = words[rng.IntN(len(words))]
		}
		return out
	}
	for i := 0; i < 2000; i++ {
		a, b := text(), text()
		ops := editScript(a, b)
		var ga, gb []string
		changes := 0
		for _, o := range ops {
			switch o.kind {
			case ' ':
				ga, gb = append(ga, a[o.ai]), append(gb, b[o.bi])
				if a[o.ai] != b[o.bi] {
					t.Fatalf("kept line differs: %q %q", a[o.ai], b[o.bi])
				}
			case '-':
				ga = append(ga, a[o.ai])
				changes++
			case '+':
				gb = append(gb, b[o.bi])
				changes++
			}
		}
		if strings.Join(ga, "") != strings.Join(a, "") || strings.Join(gb, "") != strings.Join(b, "") {
			t.Fatalf("script does not rebuild the texts:\na=%q\nb=%q\nops=%v", a, b, ops)
		}
		if changes > len(a)+len(b) {
			t.Fatalf("%d changes for %d+%d lines", changes, len(a), len(b))
		}
		if lcs := lcsLen(a, b); changes != len(a)+len(b)-2*lcs {
			t.Fatalf("not a shortest script: %d changes, the shortest has %d", changes, len(a)+len(b)-2*lcs)
		}
	}
}

func lcsLen(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// TestDiffLarge: texts too far apart for the edit bound still diff, as
// all removed then all added.
func TestDiffLarge(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 3000; i++ {
		a.WriteString("old line\n")
		b.WriteString("new line\n")
	}
	h := unifiedDiff(a.String(), b.String())
	if len(h) != 6001 || h[0].Text != "@@ -1,3000 +1,3000 @@" {
		t.Fatalf("%d lines, first %q", len(h), h[0].Text)
	}
}
