package runner

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// Chunk is a piece of output, from stdout or stderr.
type Chunk struct {
	Stderr bool   `json:"stderr"`
	Text   string `json:"text"`
}

// The two streams, indexes of collector.streams.
const (
	stdout = 0
	stderr = 1
)

const (
	readSize = 32 << 10
	// maxPiece is the longest text of one record. A longer line, such as
	// 10 MB without a newline, is recorded as several pieces, so that no
	// single record outgrows the limit.
	maxPiece = 16 << 10
)

// DecodeOutput turns Result.Output back into chunks, merging consecutive
// records of the same stream into one chunk.
//
// Result.Output is a sequence of records, each one line ending in "\n":
//
//	"1 " text "\n"  a line of stdout (the "\n" is the line's own)
//	"2 " text "\n"  a line of stderr
//	"1+" text "\n"  stdout text without a newline of its own
//	"2+" text "\n"  stderr text without a newline of its own
//
// Text without a newline is the end of a partial line, a piece of a line
// longer than 16 KiB, or text interrupted by output of the other stream.
//
// Records are in the order the output arrived. Text never holds "\n", so
// records end exactly after each "\n"; when the limit drops the beginning,
// what is kept starts with a whole record. Text is the bytes the script
// wrote: valid UTF-8 when the script's output was. Lines that are not
// records are taken as stdout lines, so that any string decodes.
func DecodeOutput(s string) []Chunk {
	var out []Chunk
	var text strings.Builder
	cur := false
	flush := func() {
		if text.Len() > 0 {
			out = append(out, Chunk{Stderr: cur, Text: text.String()})
			text.Reset()
		}
	}
	for s != "" {
		var rec string
		rec, s, _ = strings.Cut(s, "\n")
		isErr, body, newline := false, rec, true
		if len(rec) >= 2 && (rec[0] == '1' || rec[0] == '2') && (rec[1] == ' ' || rec[1] == '+') {
			isErr, body, newline = rec[0] == '2', rec[2:], rec[1] == ' '
		}
		if isErr != cur {
			flush()
			cur = isErr
		}
		text.WriteString(body)
		if newline {
			text.WriteByte('\n')
		}
	}
	flush()
	return out
}

// collector takes the bytes of both pipes in arrival order. It keeps the
// capped record and the total, and queues the live chunks for one delivering
// goroutine, so that the readers never wait for the consumer.
type collector struct {
	mu       sync.Mutex
	cond     sync.Cond
	rec      ring
	maxPiece int
	total    int64
	streams  [2]streamState
	last     int // stream of the latest text, -1 before any
	closed   bool

	onChunk func(Chunk)
	queue   []pending
	queued  int // bytes in queue
	liveCap int
	done    chan struct{}
}

type streamState struct {
	scratch []byte
	// hold is an incomplete UTF-8 sequence at the end of the latest read,
	// kept until the next read completes it, so that no chunk splits a
	// character.
	hold  [utf8.UTFMax]byte
	nhold int
	// line is the text of the current line not yet recorded.
	line []byte
	eof  bool
}

type pending struct {
	stderr bool
	text   []byte
}

func newCollector(limit int, onChunk func(Chunk)) *collector {
	c := &collector{
		rec:      ring{limit: limit},
		maxPiece: min(maxPiece, limit-3),
		last:     -1,
		onChunk:  onChunk,
		liveCap:  limit,
		done:     make(chan struct{}),
	}
	c.cond.L = &c.mu
	if onChunk != nil {
		go c.deliver()
	} else {
		close(c.done)
	}
	return c
}

func (c *collector) read(r io.Reader, s int) {
	buf := make([]byte, readSize)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			c.write(s, buf[:n])
		}
		if err != nil {
			c.eof(s)
			return
		}
	}
}

func (c *collector) write(s int, p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.total += int64(len(p))
	st := &c.streams[s]
	data := append(append(st.scratch[:0], st.hold[:st.nhold]...), p...)
	st.scratch = data[:0]
	k := incompleteTail(data)
	st.nhold = copy(st.hold[:], data[len(data)-k:])
	c.emit(s, data[:len(data)-k])
}

func (c *collector) eof(s int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.endStream(s)
	}
}

// endStream flushes what a stream still holds: an invalid UTF-8 tail goes
// out as it is, and a partial line is recorded.
func (c *collector) endStream(s int) {
	st := &c.streams[s]
	if st.eof {
		return
	}
	st.eof = true
	hold := st.hold[:st.nhold]
	st.nhold = 0
	c.emit(s, hold)
	c.flushLine(s)
}

// finish ends the collection: nothing written after it counts, and it
// returns once onChunk has had everything.
func (c *collector) finish() {
	c.mu.Lock()
	if !c.closed {
		c.endStream(stdout)
		c.endStream(stderr)
		c.closed = true
		c.cond.Broadcast()
	}
	c.mu.Unlock()
	<-c.done
}

// result returns the record, the count of bytes read, and whether the
// record lost its beginning.
func (c *collector) result() (output string, total int64, truncated bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rec.String(), c.total, c.rec.dropped
}

func (c *collector) emit(s int, data []byte) {
	if len(data) == 0 {
		return
	}
	if c.last >= 0 && c.last != s {
		// Record the other stream's partial line first, to keep the
		// arrival order.
		c.flushLine(c.last)
	}
	c.last = s
	if c.onChunk != nil {
		c.enqueue(s == stderr, data)
	}
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			c.addText(s, data)
			return
		}
		c.addText(s, data[:i])
		c.endLine(s, ' ')
		data = data[i+1:]
	}
}

func (c *collector) addText(s int, text []byte) {
	st := &c.streams[s]
	for len(st.line)+len(text) > c.maxPiece {
		n := runeCut(text, c.maxPiece-len(st.line))
		st.line = append(st.line, text[:n]...)
		text = text[n:]
		c.endLine(s, '+')
	}
	st.line = append(st.line, text...)
}

func (c *collector) flushLine(s int) {
	if len(c.streams[s].line) > 0 {
		c.endLine(s, '+')
	}
}

func (c *collector) endLine(s int, mark byte) {
	st := &c.streams[s]
	c.rec.Write([]byte{'1' + byte(s), mark})
	c.rec.Write(st.line)
	c.rec.Write([]byte{'\n'})
	st.line = st.line[:0]
}

func (c *collector) enqueue(isErr bool, data []byte) {
	if n := len(c.queue); n > 0 && c.queue[n-1].stderr == isErr {
		c.queue[n-1].text = append(c.queue[n-1].text, data...)
	} else {
		c.queue = append(c.queue, pending{stderr: isErr, text: append([]byte(nil), data...)})
	}
	c.queued += len(data)
	if c.queued > c.liveCap {
		c.dropQueued(c.queued - c.liveCap)
	}
	c.cond.Signal()
}

// dropQueued drops at least n bytes from the front of the live queue, in
// whole characters.
func (c *collector) dropQueued(n int) {
	for n > 0 && len(c.queue) > 0 {
		head := &c.queue[0]
		if n >= len(head.text) {
			n -= len(head.text)
			c.queued -= len(head.text)
			c.queue = c.queue[1:]
			continue
		}
		k := n
		for k < len(head.text) && !utf8.RuneStart(head.text[k]) {
			k++
		}
		head.text = head.text[k:]
		c.queued -= k
		n = 0
	}
}

func (c *collector) deliver() {
	defer close(c.done)
	c.mu.Lock()
	for {
		for len(c.queue) == 0 && !c.closed {
			c.cond.Wait()
		}
		if len(c.queue) == 0 {
			c.mu.Unlock()
			return
		}
		q := c.queue
		c.queue, c.queued = nil, 0
		c.mu.Unlock()
		for _, p := range q {
			c.onChunk(Chunk{Stderr: p.stderr, Text: string(p.text)})
		}
		c.mu.Lock()
	}
}

// incompleteTail returns how many bytes at the end of p begin a UTF-8
// sequence that is not complete yet.
func incompleteTail(p []byte) int {
	for i := 1; i <= utf8.UTFMax-1 && i <= len(p); i++ {
		b := p[len(p)-i]
		if b < utf8.RuneSelf {
			return 0
		}
		if utf8.RuneStart(b) {
			if utf8.FullRune(p[len(p)-i:]) {
				return 0
			}
			return i
		}
	}
	return 0
}

// runeCut returns the largest m <= n at which p can be cut without splitting
// a character, or n when there is no such place within a character's
// length (invalid UTF-8).
func runeCut(p []byte, n int) int {
	if n >= len(p) {
		return len(p)
	}
	for m := n; m > n-utf8.UTFMax && m >= 0; m-- {
		if utf8.RuneStart(p[m]) {
			return m
		}
	}
	return n
}

// ring keeps the last limit bytes written to it.
type ring struct {
	limit int
	buf   []byte
	w     int // where the next byte goes once buf is full
	// dropped tells whether bytes were overwritten, and lastDropped is the
	// byte just before the oldest kept one: when it is not "\n", the kept
	// bytes begin inside a record.
	dropped     bool
	lastDropped byte
}

func (r *ring) Write(p []byte) {
	if room := r.limit - len(r.buf); room > 0 {
		n := min(room, len(p))
		if len(r.buf)+n > cap(r.buf) {
			// Grow by hand so that the buffer never exceeds the limit,
			// and a short run's output stays small.
			nb := make([]byte, len(r.buf), min(max(2*cap(r.buf), 4096, len(r.buf)+n), r.limit))
			copy(nb, r.buf)
			r.buf = nb
		}
		r.buf = append(r.buf, p[:n]...)
		p = p[n:]
	}
	for len(p) > 0 {
		n := min(len(p), r.limit-r.w)
		r.lastDropped = r.buf[r.w+n-1]
		r.dropped = true
		copy(r.buf[r.w:], p[:n])
		r.w = (r.w + n) % r.limit
		p = p[n:]
	}
}

func (r *ring) String() string {
	if !r.dropped {
		return string(r.buf)
	}
	var b strings.Builder
	b.Grow(len(r.buf))
	b.Write(r.buf[r.w:])
	b.Write(r.buf[:r.w])
	s := b.String()
	if r.lastDropped != '\n' {
		_, s, _ = strings.Cut(s, "\n")
	}
	return s
}
