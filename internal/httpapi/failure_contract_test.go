package httpapi_test

import (
	"sort"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

// Any write can meet a full or read-only disk (503), and any request body
// can be too large (413); the contract says so for every operation, so
// clients know to expect them and the contract check accepts them.
func TestEveryOperationDeclaresStorageAndSizeFailures(t *testing.T) {
	spec, _, err := apitest.Spec()
	if err != nil {
		t.Fatal(err)
	}
	paths := spec.Paths.InMatchingOrder()
	sort.Strings(paths)
	writes := 0
	for _, path := range paths {
		for method, op := range spec.Paths.Value(path).Operations() {
			write := method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE"
			if write {
				writes++
			}
			if write && op.Responses.Status(503) == nil {
				t.Errorf(`%s %s: add "503": {$ref: "#/components/responses/Unavailable"}`, method, path)
			}
			if op.RequestBody != nil && op.Responses.Status(413) == nil {
				t.Errorf(`%s %s: add "413": {$ref: "#/components/responses/TooLarge"}`, method, path)
			}
		}
	}
	if writes < 10 {
		t.Fatalf("only %d write operations found in the spec", writes)
	}
}
