package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// CSVHeader is the header row of the CSV report: one row per customer step
// follows, in report order (cluster, customer, deploy then verify, by
// position). docs/export-format.md says what each column holds.
var CSVHeader = []string{
	"cluster", "namespace", "customer", "category", "position", "step", "type", "status",
	"executed_by", "executed_at", "skip_reason", "notes", "overridden", "custom", "last_run_outcome",
}

// writeCSV writes RFC 4180 CSV (with "\n" line ends, as encoding/csv
// writes): values with commas, quotes or line breaks are quoted, text is
// UTF-8 as stored.
func writeCSV(r *run, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	rec := make([]string, len(CSVHeader))
	err := r.eachCustomer(false, func(c *customerInfo, steps []step) error {
		for i := range steps {
			s := &steps[i]
			executedAt := ""
			if s.ExecutedAt != nil {
				executedAt = r.iso(*s.ExecutedAt)
			}
			outcome := ""
			if s.Run != nil {
				outcome = s.Run.Outcome
			}
			rec[0], rec[1], rec[2] = c.Cluster, c.Namespace, c.Name
			rec[3], rec[4], rec[5], rec[6], rec[7] = s.Category, strconv.Itoa(s.Position), s.Name, s.Type, s.Status
			rec[8], rec[9], rec[10], rec[11] = s.ExecutedBy, executedAt, s.SkipReason, s.Notes
			rec[12], rec[13], rec[14] = strconv.FormatBool(s.Overridden), strconv.FormatBool(s.Custom), outcome
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
