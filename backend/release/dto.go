package release

import (
	"shipdeck/backend/progress"
	"shipdeck/backend/store"
	"shipdeck/backend/vars"
)

// The DTOs of the release domain, as the frontend receives them. Timestamps
// are unix seconds; optional text is "" rather than null.

// Targets says who a release is for. Mode "all" means every active customer
// at activation; "selected" means the union of the listed clusters' active
// customers and the listed customers.
type Targets struct {
	Mode        string  `json:"mode"`
	ClusterIDs  []int64 `json:"clusterIds"`
	CustomerIDs []int64 `json:"customerIds"`
}

// Release is one release with its progress, as lists show it.
type Release struct {
	ID            int64             `json:"id"`
	Name          string            `json:"name"`
	Type          ReleaseType       `json:"type"`
	Status        ReleaseStatus     `json:"status"`
	VersionNumber string            `json:"versionNumber"`
	ReleaseDate   *int64            `json:"releaseDate"`
	Description   string            `json:"description"`
	CreatedAt     int64             `json:"createdAt"`
	UpdatedAt     int64             `json:"updatedAt"`
	Targets       Targets           `json:"targets"`
	TemplateCount int               `json:"templateCount"`
	CustomerCount int               `json:"customerCount"`
	Progress      progress.Progress `json:"progress"`

	// Metadata is the release's metadata as a form shows it
	// (vars.FormMetadata): a value that is not a string is its JSON text.
	Metadata map[string]string `json:"metadata"`
}

// TemplateInput is one step template as the wizard or editor sends it.
type TemplateInput struct {
	Name        string   `json:"name"`
	Category    Category `json:"category"`
	Type        StepType `json:"type"`
	Content     string   `json:"content"`
	Description string   `json:"description"`
}

// Input creates a release. Templates are added in the order given (per
// category); CopyTemplatesFrom, when not 0, first copies another release's.
type Input struct {
	Name              string          `json:"name"`
	Type              ReleaseType     `json:"type"`
	VersionNumber     string          `json:"versionNumber"`
	ReleaseDate       *int64          `json:"releaseDate"`
	Description       string          `json:"description"`
	Targets           Targets         `json:"targets"`
	CopyTemplatesFrom int64           `json:"copyTemplatesFrom"`
	Templates         []TemplateInput `json:"templates"`

	// Metadata is the release's metadata, as vars.Metadata accepts it.
	Metadata map[string]string `json:"metadata"`
}

// UpdateInput edits a release's details; targets only while it is a draft
// (nil Targets leaves them as they are).
type UpdateInput struct {
	ID            int64       `json:"id"`
	Name          string      `json:"name"`
	Type          ReleaseType `json:"type"`
	VersionNumber string      `json:"versionNumber"`
	ReleaseDate   *int64      `json:"releaseDate"`
	Description   string      `json:"description"`
	Targets       *Targets    `json:"targets"`

	// Metadata is every key the form kept, with its text
	// (vars.EditMetadata); nil leaves the stored metadata as it is.
	Metadata map[string]string `json:"metadata"`
}

// Template is one step template of a release.
type Template struct {
	ID          int64    `json:"id"`
	ReleaseID   int64    `json:"releaseId"`
	Name        string   `json:"name"`
	Category    Category `json:"category"`
	Type        StepType `json:"type"`
	Content     string   `json:"content"`
	OrderIndex  int      `json:"orderIndex"`
	Description string   `json:"description"`
	CreatedAt   int64    `json:"createdAt"`
	// Progress counts this template's customer steps, as the matrix row
	// does (docs/design.md, "Progress").
	Progress progress.Progress `json:"progress"`
}

// CustomerProgress is one customer's progress in a release (its own
// steps), and its hold when it is held back.
type CustomerProgress struct {
	ID        int64             `json:"id"`
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	IsActive  bool              `json:"isActive"`
	Progress  progress.Progress `json:"progress"`
	Hold      *Hold             `json:"hold"`
}

// Hold says that, why, since when and by whom a customer is held back in a
// release.
type Hold struct {
	At     int64  `json:"at"`
	By     string `json:"by"`
	Reason string `json:"reason"`
}

// holdOf reads a release_customers row's hold (nil when not held).
func holdOf(at *int64, by, reason *string) *Hold {
	if at == nil {
		return nil
	}
	return &Hold{At: *at, By: store.TextOf(by), Reason: store.TextOf(reason)}
}

// ClusterProgress groups the customers of a release by cluster.
type ClusterProgress struct {
	ID        int64              `json:"id"`
	Name      string             `json:"name"`
	Progress  progress.Progress  `json:"progress"`
	Customers []CustomerProgress `json:"customers"`
}

// Detail is a release with its templates and progress per cluster/customer.
type Detail struct {
	Release  Release           `json:"release"`
	Deploy   []Template        `json:"deploy"`
	Verify   []Template        `json:"verify"`
	Clusters []ClusterProgress `json:"clusters"`
}

// Preview tells what activation will create, for the confirmation dialog.
type Preview struct {
	CustomerCount int `json:"customerCount"`
	TemplateCount int `json:"templateCount"`
	StepCount     int `json:"stepCount"`
	// Lacking lists the variables the templates use that some targeted
	// customers cannot resolve: a warning, not a refusal.
	Lacking []LackingVariable `json:"lacking"`
}

// CustomerRef names a customer with its cluster.
type CustomerRef struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Namespace   string `json:"namespace"`
	ClusterID   int64  `json:"clusterId"`
	ClusterName string `json:"clusterName"`
}

// AddCustomersInput adds customers to an active release.
type AddCustomersInput struct {
	ReleaseID   int64   `json:"releaseId"`
	CustomerIDs []int64 `json:"customerIds"`
}

// AddTemplateInput adds a template at Position (0-based within its category;
// nil appends).
type AddTemplateInput struct {
	ReleaseID   int64    `json:"releaseId"`
	Name        string   `json:"name"`
	Category    Category `json:"category"`
	Type        StepType `json:"type"`
	Content     string   `json:"content"`
	Description string   `json:"description"`
	Position    *int     `json:"position"`
}

// UpdateTemplateInput edits a template; its category stays.
type UpdateTemplateInput struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Type        StepType `json:"type"`
	Content     string   `json:"content"`
	Description string   `json:"description"`
}

// TemplateChange reports an edit and how many pending steps followed it.
type TemplateChange struct {
	Template   Template `json:"template"`
	Propagated int      `json:"propagated"`
}

// TemplateDeletion reports what deleting a template did to customer steps.
type TemplateDeletion struct {
	RemovedPending int `json:"removedPending"`
	KeptExecuted   int `json:"keptExecuted"`
}

// ReorderInput is the new order of all templates of one category.
type ReorderInput struct {
	ReleaseID  int64    `json:"releaseId"`
	Category   Category `json:"category"`
	OrderedIDs []int64  `json:"orderedIds"`
}

// Step is one customer step.
type Step struct {
	ID           int64    `json:"id"`
	ReleaseID    int64    `json:"releaseId"`
	CustomerID   int64    `json:"customerId"`
	TemplateID   *int64   `json:"templateId"`
	Name         string   `json:"name"`
	Category     Category `json:"category"`
	Type         StepType `json:"type"`
	Content      string   `json:"content"`
	OrderIndex   int      `json:"orderIndex"`
	Status       Status   `json:"status"`
	ExecutedAt   *int64   `json:"executedAt"`
	ExecutedBy   string   `json:"executedBy"`
	SkipReason   string   `json:"skipReason"`
	Notes        string   `json:"notes"`
	IsCustom     bool     `json:"isCustom"`
	IsOverridden bool     `json:"isOverridden"`
	Source       Source   `json:"source"`
	UpdatedAt    int64    `json:"updatedAt"`
	// Change is set on the step a state change returns: the history row
	// it wrote, which Undo takes back.
	Change int64 `json:"change,omitempty"`
	// Rendered is Content with its variables filled in for this customer,
	// where the step is read for one customer (the panel, the customer's
	// steps); nil elsewhere.
	Rendered *vars.Result `json:"rendered,omitempty"`
}

// HistoryEntry is one change to a customer step.
type HistoryEntry struct {
	ID            int64  `json:"id"`
	StepID        *int64 `json:"stepId"`
	ReleaseID     int64  `json:"releaseId"`
	ReleaseName   string `json:"releaseName"`
	CustomerID    *int64 `json:"customerId"` // nil for a change to the release itself
	CustomerName  string `json:"customerName"`
	ClusterName   string `json:"clusterName"`
	TemplateID    *int64 `json:"templateId"`
	StepName      string `json:"stepName"`
	Action        string `json:"action"`
	Kind          Kind   `json:"kind" bun:"-"` // the activity log's filter this row falls under
	FromStatus    string `json:"fromStatus"`
	ToStatus      string `json:"toStatus"`
	Note          string `json:"note"`
	ContentBefore string `json:"contentBefore"`
	ContentAfter  string `json:"contentAfter"`
	Rendered      string `json:"rendered"`
	Detail        string `json:"detail"`
	Actor         string `json:"actor"`
	Source        string `json:"source"`
	CreatedAt     int64  `json:"createdAt"`
}

// Ref is a named record.
type Ref struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// StepDetail is everything the step panel shows.
type StepDetail struct {
	Step     Step          `json:"step"`
	Template *Template     `json:"template"`
	Release  Ref           `json:"release"`
	Status   ReleaseStatus `json:"releaseStatus"`
	Customer CustomerRef   `json:"customer"`
	// History is the newest maxTimeline entries of HistoryTotal; the
	// activity log has them all.
	History      []HistoryEntry `json:"history"`
	HistoryTotal int            `json:"historyTotal"`
	Actions      []string       `json:"actions"`
	Position     int            `json:"position"`
	StepCount    int            `json:"stepCount"`
	// Hold is set when the customer is held back in the release: the panel
	// asks before it changes the step.
	Hold *Hold `json:"hold"`
}

// CustomerSteps is one customer's ordered steps in a release.
type CustomerSteps struct {
	Release  Release           `json:"release"`
	Customer CustomerRef       `json:"customer"`
	Deploy   []Step            `json:"deploy"`
	Verify   []Step            `json:"verify"`
	Progress progress.Progress `json:"progress"`
	Hold     *Hold             `json:"hold"` // the customer is held back in the release
}

// TransitionInput changes one step's status. Note is the done note, the skip
// reason (required) or the revert reason.
type TransitionInput struct {
	StepID int64  `json:"stepId"`
	Note   string `json:"note"`
}

// OverrideInput replaces one customer's content of a template step.
type OverrideInput struct {
	StepID  int64  `json:"stepId"`
	Content string `json:"content"`
}

// CustomStepInput adds a step for one customer at Position (0-based within
// its category). AddToTemplate also adds it to the release's templates, and
// so to every customer of the release.
type CustomStepInput struct {
	ReleaseID     int64    `json:"releaseId"`
	CustomerID    int64    `json:"customerId"`
	Category      Category `json:"category"`
	Name          string   `json:"name"`
	Type          StepType `json:"type"`
	Content       string   `json:"content"`
	Position      int      `json:"position"`
	AddToTemplate bool     `json:"addToTemplate"`
}

// CustomStepEdit edits a custom step.
type CustomStepEdit struct {
	StepID  int64    `json:"stepId"`
	Name    string   `json:"name"`
	Type    StepType `json:"type"`
	Content string   `json:"content"`
}

// CellsInput names matrix cells: some template steps for some customers.
type CellsInput struct {
	ReleaseID   int64   `json:"releaseId"`
	TemplateIDs []int64 `json:"templateIds"`
	CustomerIDs []int64 `json:"customerIds"`
}

// BulkCellsInput changes the steps of a matrix selection: every step of the
// given templates (rows) for the given customers (columns).
type BulkCellsInput struct {
	ReleaseID   int64   `json:"releaseId"`
	TemplateIDs []int64 `json:"templateIds"`
	CustomerIDs []int64 `json:"customerIds"`
	Action      Action  `json:"action"`
	Note        string  `json:"note"`
	// IncludeHeld reaches customers held back in the release too: a
	// single step the operator confirmed. Bulk actions leave it false.
	IncludeHeld bool `json:"includeHeld"`
}

// BulkResult says how many steps changed, and why the others did not: by
// the state that kept them, each with its reason in words.
type BulkResult struct {
	Changed   int         `json:"changed"`
	Unchanged int         `json:"unchanged"`
	Kept      []KeptSteps `json:"kept"`
	// HistoryFrom..HistoryTo are the history rows the change wrote: what
	// Undo takes back (0 when nothing changed).
	HistoryFrom int64 `json:"historyFrom"`
	HistoryTo   int64 `json:"historyTo"`
	// Held is how many selected steps belong to customers held back in the
	// release: bulk actions leave them as they are.
	Held int `json:"held"`
}

// KeptSteps are the steps of one state a bulk action left as they were.
type KeptSteps struct {
	Status Status `json:"status"`
	Count  int    `json:"count"`
	Why    string `json:"why"` // "7 are done: revert them first"
}
