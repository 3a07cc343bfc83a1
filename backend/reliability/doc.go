// Package reliability holds the tests that prove the record survives:
// SIGKILL at random moments, concurrent writers, malformed input on every
// bound method, and shutdown while a write is in flight. It has no code of
// its own beyond test helpers.
package reliability
