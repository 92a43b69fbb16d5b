//go:build !unix

package rhombus_test

import "time"

// processCPU reports no CPU time where getrusage is missing: the
// benchmarks' cpu-ns metrics read 0 there.
func processCPU() time.Duration { return 0 }
