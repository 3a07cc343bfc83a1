package report

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

var errFull = errors.New("no space left on device")

// fullDisk takes limit bytes, then fails every write, as a full disk does;
// it counts the writes that still came after the first failure.
type fullDisk struct {
	limit, n   int
	failed     bool
	afterError int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if d.failed {
		d.afterError++
		return 0, errFull
	}
	if d.n+len(p) <= d.limit {
		d.n += len(p)
		return len(p), nil
	}
	d.failed = true
	room := d.limit - d.n
	d.n = d.limit
	return room, errFull
}

// TestDiskFull: a report whose destination fails after some bytes returns
// that failure as "write report: ...", whether it comes in the middle of the
// report or at the final flush; it writes nothing more after it, and a
// failure early on stops the report before it reaches the last step.
func TestDiskFull(t *testing.T) {
	f := newFleet(t, 3, 40, 50) // 6,000 steps
	ctx := context.Background()
	sel := Selection{ReleaseID: f.release}
	for _, format := range Formats {
		var whole bytes.Buffer
		if err := Write(ctx, f.db, format, sel, &whole, Options{Location: time.UTC}); err != nil {
			t.Fatalf("%s report: %v", format, err)
		}
		if whole.Len() < 256<<10 {
			t.Fatalf("%s report is %d bytes: too small to fail in the middle", format, whole.Len())
		}
		for _, limit := range []int{0, 1000, whole.Len() / 2, whole.Len() - 1} {
			var last [2]int
			opt := Options{Location: time.UTC, Progress: func(done, total int) { last = [2]int{done, total} }}
			d := &fullDisk{limit: limit}
			err := Write(ctx, f.db, format, sel, d, opt)
			if !errors.Is(err, errFull) {
				t.Errorf("%s, disk full after %d bytes: Write returned %v, want %v", format, limit, err, errFull)
				continue
			}
			if !strings.HasPrefix(err.Error(), "write report: ") {
				t.Errorf("%s, disk full after %d bytes: error %q does not say what failed", format, limit, err)
			}
			if d.afterError > 0 {
				t.Errorf("%s, disk full after %d bytes: %d writes after the failure", format, limit, d.afterError)
			}
			if limit <= 1000 && last[1] > 0 && last[0] == last[1] {
				t.Errorf("%s, disk full after %d bytes: the report went on to the last step (progress %v)", format, limit, last)
			}
		}
	}
}
