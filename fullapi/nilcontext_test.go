package fullapi_test

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/fullapi"
)

// countingDoer counts what it is asked to send, and sends nothing.
type countingDoer struct{ n int }

func (d *countingDoer) Do(*http.Request) (*http.Response, error) {
	d.n++
	return nil, io.EOF
}

// Every method of the whole API's generated client, given a nil context,
// returns an error saying so and sends nothing: the client is generated
// from package api's templates, which check the context first.
func TestNilContextIsAnErrorInEveryMethod(t *testing.T) {
	d := &countingDoer{}
	c, err := fullapi.NewClientWithResponses("https://api.example/base", fullapi.WithHTTPClient(d))
	if err != nil {
		t.Fatal(err)
	}
	ctxType := reflect.TypeFor[context.Context]()
	called := 0
	for _, v := range []reflect.Value{reflect.ValueOf(c), reflect.ValueOf(c.ClientInterface)} {
		for i := range v.NumMethod() {
			m, name := v.Method(i), v.Type().Method(i).Name
			mt := m.Type()
			if mt.NumIn() < 2 || mt.In(0) != ctxType || !mt.IsVariadic() || mt.NumOut() != 2 {
				continue
			}
			args := make([]reflect.Value, mt.NumIn())
			args[0] = reflect.Zero(ctxType)
			for j := 1; j < mt.NumIn(); j++ {
				args[j] = reflect.Zero(mt.In(j))
				if mt.In(j).Kind() == reflect.String {
					args[j] = reflect.ValueOf("application/json").Convert(mt.In(j))
				}
				if mt.In(j) == reflect.TypeFor[io.Reader]() {
					args[j] = reflect.ValueOf(io.Reader(strings.NewReader("{}")))
				}
			}
			panicked, err := func() (p any, err error) {
				defer func() { p = recover() }()
				out := m.CallSlice(args)
				err, _ = out[1].Interface().(error)
				return nil, err
			}()
			called++
			switch {
			case panicked != nil:
				t.Errorf("%T.%s(nil, ...) panicked: %v", v.Interface(), name, panicked)
			case err == nil || !strings.Contains(err.Error(), "context must not be nil"):
				t.Errorf("%T.%s(nil, ...) = %v, want an error saying the context must not be nil", v.Interface(), name, err)
			}
		}
	}
	if called < 891*2 {
		t.Errorf("called %d methods, want at least two per operation of the whole API", called)
	}
	if d.n != 0 {
		t.Errorf("the doer was asked to send %d requests; a call without a context must send nothing", d.n)
	}
}
