package release

// The enumerations of the release domain. Each is a Go type the frontend
// receives as a TypeScript enum (Wails' EnumBind, listed in Enums), so a
// status or an action is spelled once, here.

// Status is the state of a customer step (docs/design.md, "Step states").
type Status string

// Step states.
const (
	Pending  Status = "pending"
	Done     Status = "done"
	Skipped  Status = "skipped"
	Reverted Status = "reverted"
)

// Action changes the state of customer steps, one or many at a time.
type Action string

// Step actions.
const (
	ActionDone    Action = "done"
	ActionSkip    Action = "skip"
	ActionRevert  Action = "revert"
	ActionPending Action = "pending"
)

// ReleaseStatus is where a release is in its life.
type ReleaseStatus string

// Release states.
const (
	Draft    ReleaseStatus = "draft"
	Active   ReleaseStatus = "active"
	Archived ReleaseStatus = "archived"
)

// ReleaseType says what kind of release it is.
type ReleaseType string

// Release types.
const (
	Onboarding ReleaseType = "onboarding"
	Regular    ReleaseType = "release"
	Hotfix     ReleaseType = "hotfix"
)

// Category is the part of a release a step belongs to: deploy steps, then
// verify steps.
type Category string

// Categories.
const (
	Deploy Category = "deploy"
	Verify Category = "verify"
)

// StepType is how a step's content is read: a bash script, SQL, or prose.
type StepType string

// Step types.
const (
	Bash StepType = "bash"
	SQL  StepType = "sql"
	Text StepType = "text"
)

// Source says where a step came from, for the step panel's badge.
type Source string

// Step sources.
const (
	SourceTemplate        Source = "template"
	SourceCustom          Source = "custom"
	SourceOverridden      Source = "overridden"
	SourceTemplateDeleted Source = "template-deleted"
)

// Enumerations accepted on input, in display order.
var (
	ReleaseTypes = []ReleaseType{Onboarding, Regular, Hotfix}
	Categories   = []Category{Deploy, Verify}
	StepTypes    = []StepType{Bash, SQL, Text}
	Actions      = []Action{ActionDone, ActionSkip, ActionRevert, ActionPending}
	Statuses     = []Status{Pending, Done, Skipped, Reverted}
)

// transition is one action: the states it may start from and where it goes.
type transition struct {
	from []Status
	to   Status
}

// transitions is the step state machine (docs/design.md, "Step states"):
// pending → done | skipped; done → reverted; reverted → done | pending;
// skipped → pending. Single and bulk changes and the panel's buttons read it
// from here, and the matrix sends it to the frontend as Rules, so the
// matrix's keys, hover buttons and optimistic updates follow it too. The
// frontend's test fixture reads testdata/rules.json, which TestActionRules
// keeps equal to this table.
var transitions = map[Action]transition{
	ActionDone:    {from: []Status{Pending, Reverted}, to: Done},
	ActionSkip:    {from: []Status{Pending}, to: Skipped},
	ActionRevert:  {from: []Status{Done}, to: Reverted},
	ActionPending: {from: []Status{Skipped, Reverted}, to: Pending},
}

// Allows tells whether a step in state s can take action a.
func (a Action) Allows(s Status) bool {
	for _, f := range transitions[a].from {
		if f == s {
			return true
		}
	}
	return false
}

// Allowed lists the actions a step in state s can take, in display order.
func Allowed(s Status) []Action {
	out := []Action{}
	for _, a := range Actions {
		if a.Allows(s) {
			out = append(out, a)
		}
	}
	return out
}

// ActionRule is the state machine as the frontend receives it with the
// matrix: each action, the states it starts from and the state it leads to.
type ActionRule struct {
	Action Action   `json:"action"`
	From   []Status `json:"from"`
	To     Status   `json:"to"`
}

func actionRules() []ActionRule {
	out := make([]ActionRule, len(Actions))
	for i, a := range Actions {
		out[i] = ActionRule{Action: a, From: transitions[a].from, To: transitions[a].to}
	}
	return out
}

// CellCode is one matrix cell: a step's state as one character, upper case
// when the step is overridden for that customer, and "." when the customer
// has no such step. A row of the matrix is a string of them, one per
// column: 2,000 customers cost 2,000 bytes, not 2,000 objects.
type CellCode string

// Cell codes.
const (
	CellPending            CellCode = "p"
	CellDone               CellCode = "d"
	CellSkipped            CellCode = "s"
	CellReverted           CellCode = "r"
	CellPendingOverridden  CellCode = "P"
	CellDoneOverridden     CellCode = "D"
	CellSkippedOverridden  CellCode = "S"
	CellRevertedOverridden CellCode = "R"
	CellNone               CellCode = "."
)

// cellStatus reads a cell character's state; ok is false for CellNone.
func cellStatus(ch byte) (Status, bool) {
	switch ch | 0x20 { // lower case
	case 'p':
		return Pending, true
	case 'd':
		return Done, true
	case 's':
		return Skipped, true
	case 'r':
		return Reverted, true
	}
	return "", false
}

// EnumValue is one member of an enumeration bound for TypeScript.
type EnumValue[T any] struct {
	Value  T
	TSName string
}

// Enums lists every enumeration the frontend receives as a TypeScript enum
// (Wails' EnumBind).
func Enums() []any {
	return []any{
		[]EnumValue[Status]{{Pending, "PENDING"}, {Done, "DONE"}, {Skipped, "SKIPPED"}, {Reverted, "REVERTED"}},
		[]EnumValue[Action]{{ActionDone, "DONE"}, {ActionSkip, "SKIP"}, {ActionRevert, "REVERT"}, {ActionPending, "PENDING"}},
		[]EnumValue[ReleaseStatus]{{Draft, "DRAFT"}, {Active, "ACTIVE"}, {Archived, "ARCHIVED"}},
		[]EnumValue[ReleaseType]{{Onboarding, "ONBOARDING"}, {Regular, "RELEASE"}, {Hotfix, "HOTFIX"}},
		[]EnumValue[Category]{{Deploy, "DEPLOY"}, {Verify, "VERIFY"}},
		[]EnumValue[Kind]{{KindStatus, "STATUS"}, {KindContent, "CONTENT"}, {KindTemplates, "TEMPLATES"}, {KindCustomers, "CUSTOMERS"}, {KindRelease, "RELEASE"}, {KindRuns, "RUNS"}},
		[]EnumValue[StepType]{{Bash, "BASH"}, {SQL, "SQL"}, {Text, "TEXT"}},
		[]EnumValue[Source]{{SourceTemplate, "TEMPLATE"}, {SourceCustom, "CUSTOM"}, {SourceOverridden, "OVERRIDDEN"}, {SourceTemplateDeleted, "TEMPLATE_DELETED"}},
		[]EnumValue[CellCode]{{CellPending, "PENDING"}, {CellDone, "DONE"}, {CellSkipped, "SKIPPED"}, {CellReverted, "REVERTED"},
			{CellPendingOverridden, "PENDING_OVERRIDDEN"}, {CellDoneOverridden, "DONE_OVERRIDDEN"}, {CellSkippedOverridden, "SKIPPED_OVERRIDDEN"},
			{CellRevertedOverridden, "REVERTED_OVERRIDDEN"}, {CellNone, "NONE"}},
	}
}
