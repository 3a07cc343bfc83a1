package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"
)

// The Bun models of the specification's five tables, column for column,
// and of Shipdeck's own (docs/design.md, "Schema"). Timestamps are INTEGER
// unix seconds as Drizzle stores them (int64 here, so Bun never writes
// TEXT); booleans are INTEGER 0/1; metadata is JSON text.

// Cluster is a Kubernetes cluster that customers live on.
type Cluster struct {
	bun.BaseModel `bun:"table:clusters,alias:cl"`

	ID             int64    `bun:"id,pk,autoincrement"`
	Name           string   `bun:"name,notnull"`
	KubeconfigPath *string  `bun:"kubeconfig_path"`
	Description    *string  `bun:"description"`
	IsActive       Active   `bun:"is_active"`
	Metadata       Metadata `bun:"metadata"`
	CreatedAt      int64    `bun:"created_at"`
	UpdatedAt      int64    `bun:"updated_at"`
}

// Customer is one namespace on one cluster.
type Customer struct {
	bun.BaseModel `bun:"table:customers,alias:cu"`

	ID          int64    `bun:"id,pk,autoincrement"`
	ClusterID   int64    `bun:"cluster_id,notnull"`
	Namespace   string   `bun:"namespace,notnull"`
	Name        string   `bun:"name,notnull"`
	Description *string  `bun:"description"`
	IsActive    Active   `bun:"is_active"`
	Metadata    Metadata `bun:"metadata"`
	CreatedAt   int64    `bun:"created_at"`
	UpdatedAt   int64    `bun:"updated_at"`
}

// Release is one planned rollout with its step templates.
type Release struct {
	bun.BaseModel `bun:"table:releases,alias:r"`

	ID            int64    `bun:"id,pk,autoincrement"`
	Name          string   `bun:"name,notnull"`
	Type          string   `bun:"type,notnull"`
	Status        string   `bun:"status"`
	VersionNumber *string  `bun:"version_number"`
	ReleaseDate   *int64   `bun:"release_date"`
	Description   *string  `bun:"description"`
	Metadata      Metadata `bun:"metadata"`
	CreatedAt     int64    `bun:"created_at"`
	UpdatedAt     int64    `bun:"updated_at"`
}

// StepTemplate is a release's step as planned, copied to every customer.
type StepTemplate struct {
	bun.BaseModel `bun:"table:step_templates,alias:t"`

	ID          int64   `bun:"id,pk,autoincrement"`
	ReleaseID   int64   `bun:"release_id,notnull"`
	Name        string  `bun:"name,notnull"`
	Category    string  `bun:"category,notnull"`
	Type        string  `bun:"type,notnull"`
	Content     string  `bun:"content,notnull"`
	OrderIndex  int     `bun:"order_index,notnull"`
	Description *string `bun:"description"`
	CreatedAt   int64   `bun:"created_at"`
}

// CustomerStep is one step for one customer in one release, with its record
// of execution.
type CustomerStep struct {
	bun.BaseModel `bun:"table:customer_steps,alias:cs"`

	ID           int64   `bun:"id,pk,autoincrement"`
	ReleaseID    int64   `bun:"release_id,notnull"`
	CustomerID   int64   `bun:"customer_id,notnull"`
	TemplateID   *int64  `bun:"template_id"`
	Name         string  `bun:"name,notnull"`
	Category     string  `bun:"category,notnull"`
	Type         string  `bun:"type,notnull"`
	Content      string  `bun:"content,notnull"`
	OrderIndex   int     `bun:"order_index,notnull"`
	Status       string  `bun:"status"`
	ExecutedAt   *int64  `bun:"executed_at"`
	ExecutedBy   *string `bun:"executed_by"`
	SkipReason   *string `bun:"skip_reason"`
	Notes        *string `bun:"notes"`
	IsCustom     bool    `bun:"is_custom"`
	IsOverridden bool    `bun:"is_overridden"`
	CreatedAt    int64   `bun:"created_at"`
	UpdatedAt    int64   `bun:"updated_at"`
}

// ReleaseTarget records who a draft release is meant for (see migration 3).
type ReleaseTarget struct {
	bun.BaseModel `bun:"table:release_targets,alias:rt"`

	ID         int64  `bun:"id,pk,autoincrement"`
	ReleaseID  int64  `bun:"release_id,notnull"`
	ClusterID  *int64 `bun:"cluster_id"`
	CustomerID *int64 `bun:"customer_id"`
}

// ReleaseCustomer is one customer covered by an activated release, and
// whether it is held back in it (migration 6).
type ReleaseCustomer struct {
	bun.BaseModel `bun:"table:release_customers,alias:rc"`

	ReleaseID  int64   `bun:"release_id,pk"`
	CustomerID int64   `bun:"customer_id,pk"`
	AddedAt    int64   `bun:"added_at,notnull"`
	HeldAt     *int64  `bun:"held_at"`
	HeldBy     *string `bun:"held_by"`
	HoldReason *string `bun:"hold_reason"`
}

// StepHistory is one change to a customer step, or (CustomerID nil) to the
// release, its templates or its customers.
type StepHistory struct {
	bun.BaseModel `bun:"table:step_history,alias:h"`

	ID            int64   `bun:"id,pk,autoincrement"`
	ReleaseID     int64   `bun:"release_id,notnull"`
	StepID        *int64  `bun:"step_id"`
	CustomerID    *int64  `bun:"customer_id"`
	TemplateID    *int64  `bun:"template_id"`
	StepName      string  `bun:"step_name,notnull"`
	Action        string  `bun:"action,notnull"`
	FromStatus    *string `bun:"from_status"`
	ToStatus      *string `bun:"to_status"`
	Note          *string `bun:"note"`
	ContentBefore *string `bun:"content_before"`
	ContentAfter  *string `bun:"content_after"`
	Rendered      *string `bun:"rendered"`
	Detail        *string `bun:"detail"`
	Actor         string  `bun:"actor,notnull"`
	Source        string  `bun:"source,notnull,default:'app'"`
	CreatedAt     int64   `bun:"created_at,notnull"`
}

// StepRun is one run of a bash step (migration 6).
type StepRun struct {
	bun.BaseModel `bun:"table:step_runs,alias:run"`

	ID          int64  `bun:"id,pk,autoincrement"`
	StepID      *int64 `bun:"step_id"`
	ReleaseID   int64  `bun:"release_id,notnull"`
	CustomerID  int64  `bun:"customer_id,notnull"`
	StepName    string `bun:"step_name,notnull"`
	Script      string `bun:"script,notnull"`
	StartedAt   int64  `bun:"started_at,notnull"`
	FinishedAt  *int64 `bun:"finished_at"`
	ExitCode    *int   `bun:"exit_code"`
	Outcome     string `bun:"outcome,notnull"`
	Output      string `bun:"output,notnull"`
	OutputBytes int64  `bun:"output_bytes,notnull"`
	Actor       string `bun:"actor,notnull"`
}

// Setting is one operator preference.
type Setting struct {
	bun.BaseModel `bun:"table:settings,alias:s"`

	Key   string `bun:"key,pk"`
	Value string `bun:"value,notnull"`
}

// Metadata is the JSON object of a metadata column. NULL and an empty object
// both read as nil.
type Metadata map[string]any

// Value stores the map as JSON text (NULL when empty).
func (m Metadata) Value() (driver.Value, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(map[string]any(m))
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	return string(b), nil
}

// Scan reads JSON text; a value that is not a JSON object (Drizzle wrote
// whatever it was given) is kept under the key "value" rather than lost.
func (m *Metadata) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*m = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("metadata: unexpected type %T", src)
	}
	if len(b) == 0 {
		*m = nil
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		var anyv any
		if json.Unmarshal(b, &anyv) != nil {
			anyv = string(b)
		}
		*m = Metadata{"value": anyv}
		return nil
	}
	*m = obj
	return nil
}
