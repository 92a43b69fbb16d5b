package rhombustest

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"testing"
)

// BenchmarkFamilyPage asks a family's list (findAccessControlledDoors of
// the whole API) for one page of 100 from the middle of the list, at 1,000
// and 10,000 doors: the time a page takes should not grow with the list.
func BenchmarkFamilyPage(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("doors=%d", n), func(b *testing.B) {
			s, path := wholeServerWithDoors(b, n)
			body := fmt.Sprintf(`{"maxPageSize":100,"lastEvaluatedKey":%q}`, "page:"+base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(n/2))))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				postJSON(b, s, path, body)
			}
		})
	}
}
