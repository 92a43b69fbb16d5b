//go:build unix

package rhombus_test

import (
	"syscall"
	"time"
)

// processCPU is the user and system time the process has used, for
// benchmarks that report CPU time beside wall time: less disturbed by the
// other work of a loaded machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
