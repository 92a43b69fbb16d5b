package api_test

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/api"
)

// Every generated method given a nil context returns an error naming the
// rule, and sends nothing: with no editor, with a call's editor and with a
// client's editor, to a doer with DoJSON and to one without, for the JSON
// and WithBody variants of *Client and *ClientWithResponses alike. The
// methods are found by reflection, so an operation added to the spec is
// covered with no test of its own.
func TestNilContextIsAnErrorInEveryMethod(t *testing.T) {
	edit := api.RequestEditorFn(func(context.Context, *http.Request) error { return nil })
	for _, setup := range []struct {
		name      string
		doer      func(*jsonDoer) api.HttpRequestDoer
		clientOpt []api.ClientOption
		callEdits []api.RequestEditorFn
	}{
		{"a doer with DoJSON, no editor", func(d *jsonDoer) api.HttpRequestDoer { return d }, nil, nil},
		{"a doer with DoJSON, a call's editor", func(d *jsonDoer) api.HttpRequestDoer { return d }, nil, []api.RequestEditorFn{edit}},
		{"a doer with DoJSON, a client's editor", func(d *jsonDoer) api.HttpRequestDoer { return d }, []api.ClientOption{api.WithRequestEditorFn(edit)}, nil},
		{"a plain doer", func(d *jsonDoer) api.HttpRequestDoer { return plainDoer{d} }, nil, nil},
	} {
		d := &jsonDoer{answer: okAnswer}
		opts := append([]api.ClientOption{api.WithHTTPClient(setup.doer(d))}, setup.clientOpt...)
		c, err := api.NewClient("https://api.example/base", opts...)
		if err != nil {
			t.Fatal(err)
		}
		cr, err := api.NewClientWithResponses("https://api.example/base", opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []reflect.Value{reflect.ValueOf(c), reflect.ValueOf(cr)} {
			if v.NumMethod() == 0 {
				t.Errorf("%T has no methods to call", v.Interface())
			}
			for i := range v.NumMethod() {
				m, name := v.Method(i), v.Type().Method(i).Name
				if mt := m.Type(); mt.NumIn() < 2 || mt.In(0) != contextType || !mt.IsVariadic() || mt.NumOut() != 2 {
					t.Errorf("%T.%s is not a generated operation method (context first, editors last, two results): %s", v.Interface(), name, mt)
					continue
				}
				panicked, err := callWithNilContext(m, setup.callEdits)
				switch {
				case panicked != nil:
					t.Errorf("%s: %T.%s(nil, ...) panicked: %v", setup.name, v.Interface(), name, panicked)
				case err == nil:
					t.Errorf("%s: %T.%s(nil, ...) returned no error", setup.name, v.Interface(), name)
				case !strings.Contains(err.Error(), "context must not be nil"):
					t.Errorf("%s: %T.%s(nil, ...) = %q, want an error saying the context must not be nil", setup.name, v.Interface(), name, err)
				}
			}
		}
		if d.do+d.doJSON != 0 {
			t.Errorf("%s: the doer was called %d times (Do) and %d (DoJSON); a call without a context must send nothing", setup.name, d.do, d.doJSON)
		}
	}
}

var contextType = reflect.TypeFor[context.Context]()

// callWithNilContext calls m with a nil context, the zero value of every
// other argument (a content type of JSON for a WithBody variant's) and
// edits as its request editors; it returns what it panicked with, if it
// did, and the method's error.
func callWithNilContext(m reflect.Value, edits []api.RequestEditorFn) (panicked any, err error) {
	mt := m.Type()
	args := make([]reflect.Value, mt.NumIn())
	args[0] = reflect.Zero(contextType)
	for i := 1; i < mt.NumIn()-1; i++ {
		args[i] = reflect.Zero(mt.In(i))
		if mt.In(i).Kind() == reflect.String {
			args[i] = reflect.ValueOf("application/json").Convert(mt.In(i))
		}
		if mt.In(i) == reflect.TypeFor[io.Reader]() {
			args[i] = reflect.ValueOf(io.Reader(strings.NewReader("{}")))
		}
	}
	args[len(args)-1] = reflect.ValueOf(edits)
	defer func() { panicked = recover() }()
	out := m.CallSlice(args)
	err, _ = out[1].Interface().(error)
	return nil, err
}
