package runner

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestDecodeOutput(t *testing.T) {
	tests := []struct {
		name    string
		encoded string
		want    []Chunk
	}{
		{"empty", "", nil},
		{"lines of one stream merge", "1 a\n1 b\n", []Chunk{{false, "a\nb\n"}}},
		{"streams alternate", "1 a\n2 b\n1 c\n", []Chunk{{false, "a\n"}, {true, "b\n"}, {false, "c\n"}}},
		{"pieces join without newline", "1+ab\n1 cd\n", []Chunk{{false, "abcd\n"}}},
		{"partial line cut by the other stream", "1+prompt: \n2 warning\n1 yes\n", []Chunk{{false, "prompt: "}, {true, "warning\n"}, {false, "yes\n"}}},
		{"partial last line", "2 a\n2+b\n", []Chunk{{true, "a\nb"}}},
		{"empty lines", "1 \n1 \n", []Chunk{{false, "\n\n"}}},
		{"carriage returns kept", "1 50%\r100%\n", []Chunk{{false, "50%\r100%\n"}}},
		{"not a record: taken as stdout", "hello\n2 x\n", []Chunk{{false, "hello\n"}, {true, "x\n"}}},
		{"missing final newline", "1 a", []Chunk{{false, "a\n"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DecodeOutput(tt.encoded); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// write is one read from a pipe in the collector tests.
type write struct {
	stream int
	text   string
}

func collect(limit int, writes []write, onChunk func(Chunk)) *collector {
	c := newCollector(limit, onChunk)
	for _, w := range writes {
		c.write(w.stream, []byte(w.text))
	}
	c.finish()
	return c
}

func TestCollectorRecords(t *testing.T) {
	long := strings.Repeat("é", maxPiece) // 2 bytes each: the cut falls between characters
	tests := []struct {
		name   string
		limit  int
		writes []write
		want   string
	}{
		{"line split across reads", 1 << 20, []write{{stdout, "hel"}, {stdout, "lo\nwor"}, {stdout, "ld\n"}}, "1 hello\n1 world\n"},
		{"partial line flushed by the other stream", 1 << 20, []write{{stdout, "a"}, {stderr, "b\n"}, {stdout, "c\n"}}, "1+a\n2 b\n1 c\n"},
		{"partial line flushed at the end", 1 << 20, []write{{stderr, "x\ny"}}, "2 x\n2+y\n"},
		{"character split across reads", 1 << 20, []write{{stdout, "\xe2"}, {stderr, "e\n"}, {stdout, "\x9c\x93\n"}}, "2 e\n1 ✓\n"},
		{"invalid UTF-8 tail flushed at the end", 1 << 20, []write{{stdout, "a\xe2\x9c"}}, "1+a\xe2\x9c\n"},
		{"long line in pieces", 1 << 20, []write{{stdout, long + "\n"}}, "1+" + long[:maxPiece] + "\n1 " + long[maxPiece:] + "\n"},
		{"limit keeps the last whole records", 64, []write{{stdout, strings.Repeat("0123456789\n", 10)}}, strings.Repeat("1 0123456789\n", 4)},
		{"limit cut exactly at a record boundary", 26, []write{{stdout, "0123456789\n0123456789\n0123456789\n"}}, strings.Repeat("1 0123456789\n", 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, _ := collect(tt.limit, tt.writes, nil).result()
			if got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
			if len(got) > tt.limit {
				t.Errorf("kept %d bytes over the limit %d", len(got), tt.limit)
			}
		})
	}
}

func TestCollectorTruncationDecodesToASuffix(t *testing.T) {
	var full strings.Builder
	var writes []write
	for i := range 500 {
		s := strings.Repeat("x", i%37) + "ü\n"
		if i%5 == 0 {
			s = s[:len(s)-1] // a partial line, continued by the next write
		}
		full.WriteString(s)
		writes = append(writes, write{stdout, s})
	}
	for _, limit := range []int{64, 100, 1000, 4096} {
		out, total, truncated := collect(limit, writes, nil).result()
		if len(out) > limit || !truncated {
			t.Errorf("limit %d: kept %d bytes, truncated %v", limit, len(out), truncated)
		}
		chunks := DecodeOutput(out)
		if len(chunks) != 1 || !strings.HasSuffix(full.String(), chunks[0].Text) || len(chunks[0].Text) < limit/3 {
			t.Errorf("limit %d: decoded %#v is not a long suffix of the output", limit, chunks)
		}
		if total != int64(full.Len()) {
			t.Errorf("limit %d: total %d, want %d", limit, total, full.Len())
		}
	}
}

func TestCollectorLiveChunks(t *testing.T) {
	t.Run("characters split across reads arrive whole", func(t *testing.T) {
		const text = "añ✓日本🚀\n"
		var got []Chunk
		var writes []write
		for i := range len(text) {
			writes = append(writes, write{stdout, text[i : i+1]})
		}
		collect(1<<20, writes, func(c Chunk) { got = append(got, c) })
		var joined string
		for _, c := range got {
			if !utf8.ValidString(c.Text) {
				t.Errorf("chunk %q splits a character", c.Text)
			}
			joined += c.Text
		}
		if joined != text {
			t.Errorf("joined %q, want %q", joined, text)
		}
	})

	t.Run("a stuck consumer coalesces and keeps the newest text", func(t *testing.T) {
		release := make(chan struct{})
		var mu sync.Mutex
		var got []Chunk
		first := make(chan struct{})
		var once sync.Once
		c := newCollector(100, func(ch Chunk) {
			once.Do(func() { close(first); <-release })
			mu.Lock()
			got = append(got, ch)
			mu.Unlock()
		})
		c.write(stdout, []byte("first\n"))
		<-first
		// The consumer is stuck in its first call: these pile up.
		for i := range 50 {
			c.write(i/25, []byte(strings.Repeat("ü", 3)+"\n"))
		}
		c.mu.Lock()
		if c.queued > 100 {
			t.Errorf("%d bytes queued, over the cap of 100", c.queued)
		}
		if len(c.queue) > 2 {
			t.Errorf("%d chunks queued: not coalesced", len(c.queue))
		}
		c.mu.Unlock()
		close(release)
		c.finish()
		if got[0].Text != "first\n" {
			t.Errorf("first chunk %q", got[0].Text)
		}
		var rest string
		for _, ch := range got[1:] {
			if !utf8.ValidString(ch.Text) {
				t.Errorf("chunk %q splits a character", ch.Text)
			}
			rest += ch.Text
		}
		if len(rest) > 100 || !strings.HasSuffix(rest, "üüü\n") {
			t.Errorf("after the stuck call: %q", rest)
		}
	})
}
