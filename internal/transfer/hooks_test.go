package transfer

// The external tests (package transfer_test) reach these through the test
// binary only.

// ReadRows is how many data rows ImportTimeEntries sees in data, or how
// it refuses the file.
func ReadRows(format string, data []byte) (int, error) {
	f, err := readCSV(format, data)
	return len(f.rows), err
}

// CSVSeeds are the fuzz seeds of each format.
var CSVSeeds = csvSeeds
