// Package release holds the release domain: releases and their targets, step
// templates, activation, the customer steps with their history, ordering and
// the matrix. The SQL that matters lives beside the code that runs it, with
// the reason for its shape: targets and activation in sql.go, step state
// changes and bulk actions in transition.go, positions and reorder in
// order.go, the matrix in matrix.go, template propagation in template.go
// (docs/design.md, "Where the code lives").
package release

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// Service is the bound service for releases and their step templates.
type Service struct {
	st *store.Store
}

// Steps is the bound service for customer steps and the matrix.
type Steps struct {
	st *store.Store
}

// NewService returns the release service.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// NewSteps returns the customer-step service.
func NewSteps(st *store.Store) *Steps { return &Steps{st: st} }

// loadRelease reads one release or says it does not exist.
func loadRelease(ctx context.Context, db bun.IDB, id int64) (store.Release, error) {
	var r store.Release
	err := db.NewSelect().Model(&r).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return r, problem.NotFound("Release %d does not exist.", id)
	}
	if err != nil {
		return r, fmt.Errorf("read release %d: %w", id, err)
	}
	if r.Status == "" {
		r.Status = string(Draft) // Drizzle's default; a NULL reads as the default
	}
	return r, nil
}

// editable refuses every change to an archived release.
func editable(r store.Release) error {
	if ReleaseStatus(r.Status) == Archived {
		return problem.State("Release '%s' is archived and can no longer be changed.", r.Name)
	}
	return nil
}

func requireActive(r store.Release, what string) error {
	if err := editable(r); err != nil {
		return err
	}
	if ReleaseStatus(r.Status) != Active {
		return problem.State("Release '%s' is a draft: activate it before you %s.", r.Name, what)
	}
	return nil
}

// oneOf requires v to be one of allowed (validate.OneOf for the enums).
func oneOf[T ~string](field, label string, v T, allowed ...T) (T, error) {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	_, err := validate.OneOf(field, label, string(v), names...)
	return v, err
}
