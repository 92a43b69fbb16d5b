package rhombus

import "math"

// DecodeCostOf is decodeCost without a budget, for the benchmarks of
// package rhombus_test that size answers to the budget.
func DecodeCostOf(body []byte, into any) int64 {
	n, _ := decodeCost(body, into, math.MaxInt64)
	return n
}
