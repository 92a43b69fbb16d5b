package rhombus

import "math"

// DecodeCostOf is decodeCost without a budget, for the benchmarks of
// package rhombus_test that size answers to the budget.
func DecodeCostOf(body []byte, into any) int64 {
	n, _ := decodeCost(body, into, math.MaxInt64)
	return n
}

// CloseIdleDefaultConnections closes the shared default transport's idle
// connections, so that a test counting connections starts with none kept
// for the servers of the tests before it.
func CloseIdleDefaultConnections() { defaultTransport().CloseIdleConnections() }
