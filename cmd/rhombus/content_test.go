package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"mime"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhombuskit/rhombus-go/fullapi/fullops"
	"github.com/rhombuskit/rhombus-go/rhombustest"
)

// rhombus call sends an upload's form (--file FIELD=@PATH, --data for the
// text fields) and writes an export's CSV or zip as it came, to standard
// output or --output-file; against the fake of the whole API, whose
// operations do not depend on what openapi.yaml imports.
func TestCallUploadsAndExports(t *testing.T) {
	t.Parallel()
	s := rhombustest.NewServer(t, rhombustest.WithSpec(fullops.Spec))
	c := newCLI(t, s)
	var form struct {
		fileName, fileType, file, location string
	}
	s.Handle("uploadNewFloorPlan", func(body []byte) (any, error) {
		// The fake hands over the form as sent; its boundary is its first line.
		boundary := strings.TrimPrefix(strings.TrimSpace(strings.SplitN(string(body), "\n", 2)[0]), "--")
		f, err := multipart.NewReader(bytes.NewReader(body), boundary).ReadForm(1 << 20)
		if err != nil {
			return nil, err
		}
		if fh := f.File["file"]; len(fh) == 1 {
			r, _ := fh[0].Open()
			var b bytes.Buffer
			_, _ = b.ReadFrom(r)
			form.fileName, form.fileType, form.file = fh[0].Filename, fh[0].Header.Get("Content-Type"), b.String()
		}
		if v := f.Value["locationUuid"]; len(v) == 1 {
			form.location = v[0]
		}
		return map[string]any{"error": false}, nil
	})

	plan := c.file("plan.png", "PNG-bytes")
	o := c.run("call", "uploadNewFloorPlan", "--file", "file=@"+plan, "--data", `{"locationUuid":"AAAAAAAAAAAAAAAAAAAAAA"}`)
	wantCode(t, o, 0)
	var answer map[string]any
	if err := json.Unmarshal([]byte(o.stdout), &answer); err != nil {
		t.Errorf("the upload's answer is not JSON: %v\n%s", err, o)
	}
	if form.fileName != "plan.png" || form.file != "PNG-bytes" || form.location != "AAAAAAAAAAAAAAAAAAAAAA" {
		t.Errorf("the server got file %q (%q) and locationUuid %q", form.fileName, form.file, form.location)
	}
	if mt, _, _ := mime.ParseMediaType(form.fileType); mt != "image/png" {
		t.Errorf("the file's content type is %q, want image/png from its name", form.fileType)
	}

	// An export: CSV on standard output, as it came.
	o = c.run("call", "exportUsers")
	wantCode(t, o, 0)
	if !strings.HasPrefix(o.stdout, "uuid,name\r\n") {
		t.Errorf("want the CSV on standard output:\n%s", o)
	}
	// A zip to --output-file, nothing on standard output.
	out := filepath.Join(c.dir, "uptime.zip")
	o = c.run("call", "exportUptime", "--output-file", out)
	wantCode(t, o, 0)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err != nil || o.stdout != "" {
		t.Errorf("the file is not the zip (%v), or standard output is not empty:\n%s", err, o)
	}

	// --file is refused for an operation that takes JSON, and a malformed
	// --file or a missing file is named, before anything is sent.
	before := len(s.Requests())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"call", "exportUsers", "--file", "file=@" + plan}, "--file: exportUsers takes a JSON body"},
		{[]string{"call", "uploadNewFloorPlan", "--file", "file:" + plan}, "want FIELD=@PATH"},
		{[]string{"call", "uploadNewFloorPlan", "--file", "file=@" + filepath.Join(c.dir, "missing.png")}, "--file file: cannot read"},
	} {
		o := c.run(tc.args...)
		if o.code != exitUsage || !strings.Contains(o.stderr, tc.want) {
			t.Errorf("%v: want exit %d saying %q:\n%s", tc.args, exitUsage, tc.want, o)
		}
	}
	if n := len(s.Requests()); n != before {
		t.Errorf("%d requests sent by refused calls", n-before)
	}
}
