//go:build !race

package steps_test

// raceEnabled is true when the tests run with -race.
const raceEnabled = false
