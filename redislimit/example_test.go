package redislimit_test

import (
	"log"

	"github.com/rhombuskit/rhombus-go/redislimit"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// Every process of the organisation builds its client with a limiter on
// the same Redis and organisation name: together they keep to its rate.
func ExampleFromURL() {
	l, err := redislimit.FromURL("redis://127.0.0.1:6379/0", "my-organisation", 10, 100,
		redislimit.Adaptive(), redislimit.WithWarning(func(err error) { log.Println(err) }))
	if err != nil {
		log.Fatal(err)
	}
	c, err := rhombus.New(rhombus.FromEnvironment(), rhombus.WithLimiter(l))
	if err != nil {
		log.Fatal(err)
	}
	_ = c
}
