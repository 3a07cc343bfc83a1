package backup

import (
	"context"

	"shipdeck/backend/store"
)

// FailReopen makes the next restores' reopen of the restored file fail
// with err, as a file that will not open would; the returned function
// undoes it.
func FailReopen(err error) (undo func()) {
	saved := reopen
	reopen = func(context.Context, *store.Store, string) error { return err }
	return func() { reopen = saved }
}
