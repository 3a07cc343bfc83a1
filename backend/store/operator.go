package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// On a team database each operator is a person of their own: the name a
// window records as who did each step is that person's, kept with the
// window's workspace choice, not in the shared settings (where every
// operator would read the last one saved). The store carries it into the
// context of every Read and Tx, where settings.Actor finds it.

type operatorKey struct{}

// OperatorOf is the operator a store's context carries ("" when the store
// has none: the settings' name applies).
func OperatorOf(ctx context.Context) string {
	name, _ := ctx.Value(operatorKey{}).(string)
	return name
}

func (s *Store) withOperator(ctx context.Context) context.Context {
	s.mu.RLock()
	name := s.operator
	s.mu.RUnlock()
	if name == "" {
		return ctx
	}
	return context.WithValue(ctx, operatorKey{}, name)
}

// Operator is the store's own operator ("" when it has none).
func (s *Store) Operator() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.operator
}

// SetOperator makes name the store's operator (its writes from now on are
// theirs). The caller lists them in the operators table: SignIn, or
// RegisterOperator in the transaction that makes the choice.
func (s *Store) SetOperator(name string) {
	s.mu.Lock()
	s.operator = name
	s.mu.Unlock()
}

// SignIn makes name the store's operator and lists them in the operators
// table, in a transaction of its own: how a window or a command starts
// work on a team database.
func (s *Store) SignIn(name string) error {
	s.SetOperator(name)
	return s.Tx(func(ctx context.Context, tx bun.Tx) error {
		return RegisterOperator(ctx, tx, name, s.Now().Unix())
	})
}

// RegisterOperator lists name among the record's operators, or notes that
// they were seen at now.
func RegisterOperator(ctx context.Context, db bun.IDB, name string, now int64) error {
	if _, err := db.ExecContext(ctx, `INSERT INTO operators (name, created_at, last_seen_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET last_seen_at = excluded.last_seen_at`, name, now, now); err != nil {
		return fmt.Errorf("list operator %q: %w", name, err)
	}
	return nil
}
