package rhombustest

// DocumentFaults gives the package's external tests the operations whose
// answer no value can match, each with the fault of the vendor's document
// that makes it so (wholeapi_internal_test.go).
var DocumentFaults = documentFaults
