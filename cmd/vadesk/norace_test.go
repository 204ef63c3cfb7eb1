//go:build !race

package main

// raceEnabled says the tests run with -race; the binary they build for
// process tests is built the same way, so it reuses the compiled packages.
const raceEnabled = false
