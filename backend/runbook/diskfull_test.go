package runbook

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

var errFull = errors.New("no space left on device")

// fullDisk keeps limit bytes, then fails every write, as a full disk does;
// it counts the writes that still came after the first failure.
type fullDisk struct {
	limit      int
	got        bytes.Buffer
	failed     bool
	afterError int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if d.failed {
		d.afterError++
		return 0, errFull
	}
	if d.got.Len()+len(p) <= d.limit {
		return d.got.Write(p)
	}
	d.failed = true
	room := d.limit - d.got.Len()
	d.got.Write(p[:room])
	return room, errFull
}

// TestWriteDiskFull: a runbook whose destination fails after some bytes
// returns that failure as "write runbook: ...", whether it comes in the
// middle or at the final flush, and writes nothing more after it.
func TestWriteDiskFull(t *testing.T) {
	var deploy, verify []Step
	for i := range 100 {
		deploy = append(deploy, Step{Name: fmt.Sprintf("Deploy %03d", i), Category: Deploy, Type: "bash",
			Content: tricky[i%len(tricky)]})
		verify = append(verify, Step{Name: fmt.Sprintf("Verify %03d", i), Category: Verify, Type: "sql",
			Description: "Checks the rollout.", Content: "SELECT count(*) FROM t WHERE x = 'y';\n"})
	}
	var whole bytes.Buffer
	if err := Write(&whole, "2026.11", deploy, verify); err != nil {
		t.Fatal(err)
	}
	if whole.Len() < 16<<10 {
		t.Fatalf("runbook is %d bytes: too small to fail in the middle", whole.Len())
	}
	for _, limit := range []int{0, 100, whole.Len() / 2, whole.Len() - 1} {
		d := &fullDisk{limit: limit}
		err := Write(d, "2026.11", deploy, verify)
		if !errors.Is(err, errFull) {
			t.Errorf("disk full after %d bytes: Write returned %v, want %v", limit, err, errFull)
			continue
		}
		if !strings.HasPrefix(err.Error(), "write runbook: ") {
			t.Errorf("disk full after %d bytes: error %q does not say what failed", limit, err)
		}
		if d.afterError > 0 {
			t.Errorf("disk full after %d bytes: %d writes after the failure", limit, d.afterError)
		}
		if !bytes.HasPrefix(whole.Bytes(), d.got.Bytes()) {
			t.Errorf("disk full after %d bytes: what was written is not the start of the runbook", limit)
		}
	}
}
