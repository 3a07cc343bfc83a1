// Package runbook reads and writes a release's step templates as a YAML
// runbook file (docs/export-format.md, "Runbooks"): the deploy and verify
// steps in order, each with its name, type, content and an optional
// description.
//
//	shipdeck: runbook/1
//	name: "2026.11"
//	steps:
//	  deploy:
//	    - name: Back up tenant database
//	      type: bash
//	      content: |
//	        kubectl ...
//	  verify: []
//
// Write and Parse round-trip step content byte for byte. Parse checks the
// whole file and reports every problem with its line, in the words of the
// app's own validation, so an import is all or nothing.
package runbook

// Marker is the value of a runbook's "shipdeck" field.
const Marker = "runbook/1"

// MaxSize is the largest file Parse reads: far beyond any runbook (a
// hundred steps of a few kilobytes is well under a megabyte), small enough
// that choosing the wrong file by mistake cannot exhaust memory.
const MaxSize = 16 << 20

// The categories of a step, as the keys under "steps".
const (
	Deploy = "deploy"
	Verify = "verify"
)

// StepTypes are the types a step may have.
var StepTypes = []string{"bash", "sql", "text"}

// Step is one step template. Category is Deploy or Verify (Write takes it
// from the list the step is in).
type Step struct {
	Name        string `json:"name"`
	Category    string `json:"category"`
	Type        string `json:"type"`
	Content     string `json:"content"`
	Description string `json:"description"`
}

// Runbook is a parsed runbook file. Name is informational (the release it
// was written from).
type Runbook struct {
	Name   string `json:"name"`
	Deploy []Step `json:"deploy"`
	Verify []Step `json:"verify"`
}

// Problem is one thing wrong with a runbook file, as a sentence for the
// operator. Line is 1-based; 0 means the file as a whole.
type Problem struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}
