package sticky

import (
	"bytes"
	"errors"
	"testing"
)

var errFull = errors.New("no space left on device")

// fullDisk takes limit bytes, then fails every write, as a full disk does.
type fullDisk struct {
	limit int
	got   bytes.Buffer
	calls int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	d.calls++
	room := d.limit - d.got.Len()
	if len(p) <= room {
		return d.got.Write(p)
	}
	d.got.Write(p[:max(room, 0)])
	return max(room, 0), errFull
}

// TestFirstErrorSticks: every way of writing stops at the first failure,
// writes nothing more, and Err returns that failure.
func TestFirstErrorSticks(t *testing.T) {
	d := &fullDisk{limit: 10}
	w := NewWriter(d)
	w.Print("12345")
	w.Printf("%d", 678)
	if err := w.Err(); err != nil {
		t.Fatalf("Err before the disk filled: %v", err)
	}
	w.PrintBytes([]byte("9abc")) // the 11th byte does not fit
	if err := w.Err(); !errors.Is(err, errFull) {
		t.Fatalf("Err = %v, want %v", err, errFull)
	}
	calls := d.calls
	w.Print("more")
	w.Printf("%s", "more")
	w.PrintBytes([]byte("more"))
	if n, err := w.Write([]byte("more")); n != 0 || !errors.Is(err, errFull) {
		t.Errorf("Write after the failure = %d, %v; want 0, %v", n, err, errFull)
	}
	if d.calls != calls {
		t.Errorf("%d writes reached the disk after the failure", d.calls-calls)
	}
	if got := d.got.String(); got != "123456789a" {
		t.Errorf("disk holds %q, want %q", got, "123456789a")
	}
	if err := w.Err(); !errors.Is(err, errFull) {
		t.Errorf("Err after more writes = %v, want %v", err, errFull)
	}
}
