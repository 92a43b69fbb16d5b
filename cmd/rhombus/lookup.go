package main

import (
	"sort"
	"strings"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// findOperation looks an operationId up in openapi.yaml's table, then in
// the whole API's; whole says which one it came from.
func findOperation(id string) (op rhombus.Operation, whole bool, ok bool) {
	for _, o := range rhombus.Operations() {
		if o.ID == id {
			return o, false, true
		}
	}
	for _, o := range fullops.Operations {
		if o.ID == id {
			return o, true, true
		}
	}
	return rhombus.Operation{}, false, false
}

// leftOutWhy says what the operations that are not POST are: the only one,
// authorize, is the step of the OAuth flow where a user, in a browser,
// grants an application access (query parameters, not a JSON body).
const leftOutWhy = "the browser's step of the OAuth flow"

// findLeftOut looks an operationId up among the operations of the whole API
// that call cannot call.
func findLeftOut(id string) (fullops.LeftOut, bool) {
	for _, l := range fullops.OperationsLeftOut {
		if l.ID == id {
			return l, true
		}
	}
	return fullops.LeftOut{}, false
}

// nearestOperation is the known operationId closest to id by edit distance
// (ignoring case), if one is close enough to be a likely typo: getLocation
// for getLocations. whole says to look in the whole API too, not only in
// openapi.yaml.
func nearestOperation(id string, whole bool) string {
	ids := []string{}
	for _, o := range rhombus.Operations() {
		ids = append(ids, o.ID)
	}
	if whole {
		for _, o := range fullops.Operations {
			ids = append(ids, o.ID)
		}
	}
	sort.Strings(ids)
	best, bestD := "", 0
	low := strings.ToLower(id)
	for _, c := range ids {
		if c == id {
			continue
		}
		d := editDistance(low, strings.ToLower(c))
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	// A third of the name may differ: beyond that a suggestion is noise.
	if best == "" || bestD > max(2, len(id)/3) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes (the
// operationIds are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
