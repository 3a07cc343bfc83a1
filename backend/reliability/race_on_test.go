//go:build race

package reliability

// raceDetector tells the tests that time kills and exits that the race
// detector slows every operation several times over.
const raceDetector = true
