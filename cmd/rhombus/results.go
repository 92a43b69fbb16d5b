package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The results file is what makes a bulk run resumable. It is a CSV file,
// appended to and flushed to disk (fsync) row by row, so a run that is
// killed leaves an accurate record:
//
//   - before a row's request is sent, an "unknown" line (in flight) is
//     written; if the run dies before the answer, that line stands, and a
//     re-run does not resend a request that may have been applied;
//   - when the answer comes, the row's outcome is written (see classify
//     for which failures are retry-safe and which leave it unknown).
//
// The last line of a row wins. When a run ends (completed or interrupted),
// the file is rewritten with one line per row, ordered by CSV line.

// Outcomes of a row.
const (
	outcomeCreated = "created"
	outcomeFailed  = "failed"
	outcomeUnknown = "unknown"
	outcomeSkipped = "skipped"
)

var resultsHeader = []string{"line", "key", "outcome", "uuid", "detail", "retry_safe"}

// result is one line of the results file.
type result struct {
	line    int
	key     string // the serial number or email
	outcome string
	uuid    string // createUser's userUuid
	detail  string // the error, the warning, or why the row was skipped
	// retrySafe says the request provably was not applied, so sending it
	// again cannot create anything twice.
	retrySafe bool
}

// id is what a row is known by across runs: its key (serial numbers and
// emails compare without regard to case, as Rhombus compares them), or its
// line when it has none.
func rowID(line int, key string) string {
	if key != "" {
		return strings.ToLower(key)
	}
	return "#" + strconv.Itoa(line)
}

func (r result) id() string { return rowID(r.line, r.key) }

func (r result) record() []string {
	return []string{strconv.Itoa(r.line), r.key, r.outcome, r.uuid, r.detail, strconv.FormatBool(r.retrySafe)}
}

// resultsLog appends results to the file, one flushed line at a time.
type resultsLog struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

// loadResults reads the results of earlier runs, the last line of each row
// winning. A missing file is no results. A last line cut off by a crash is
// ignored: its row's earlier line (or none) stands.
func loadResults(path string) (map[string]result, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]result{}, nil
	}
	if err != nil {
		return nil, err
	}
	rs, err := parseResults(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]result, len(rs))
	for _, r := range rs {
		out[r.id()] = r
	}
	return out, nil
}

func parseResults(b []byte) ([]result, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil || !slices.Equal(head, resultsHeader) {
		return nil, fmt.Errorf("not a results file: the first line must be %s", strings.Join(resultsHeader, ","))
	}
	var out []result
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil || len(rec) != len(resultsHeader) {
			continue // a line cut off by a crash
		}
		line, err1 := strconv.Atoi(rec[0])
		safe, err2 := strconv.ParseBool(rec[5])
		if err1 != nil || err2 != nil {
			continue
		}
		switch rec[2] {
		case outcomeCreated, outcomeFailed, outcomeUnknown, outcomeSkipped:
		default:
			continue
		}
		out = append(out, result{line: line, key: rec[1], outcome: rec[2], uuid: rec[3], detail: rec[4], retrySafe: safe})
	}
	return out, nil
}

// openResults opens the file for appending, writing the header to a new
// file and ending a line a crash left unfinished.
func openResults(path string) (*resultsLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	l := &resultsLog{path: path, f: f}
	if st.Size() == 0 {
		if err := l.writeRecords([][]string{resultsHeader}); err != nil {
			f.Close()
			return nil, err
		}
		syncDir(path)
		return l, nil
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
		if _, err := f.Write([]byte("\n")); err != nil {
			f.Close()
			return nil, err
		}
	}
	return l, nil
}

// write appends r and flushes it to disk before returning, so that what
// the file says has happened has happened.
func (l *resultsLog) write(r result) error {
	return l.writeRecords([][]string{r.record()})
}

func (l *resultsLog) writeRecords(recs [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(recs); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// One write call per line: a crash leaves whole lines, or a cut-off
	// last line that loadResults ignores.
	if _, err := l.f.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing the results file %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("flushing the results file %s: %w", l.path, err)
	}
	return nil
}

// compact rewrites the file with the last line of each row only, in CSV
// line order, through a temporary file and a rename, so a crash leaves
// either the old file or the new one.
func (l *resultsLog) compact() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := os.ReadFile(l.path)
	if err != nil {
		return err
	}
	rs, err := parseResults(b)
	if err != nil {
		return err
	}
	last := map[string]result{}
	for _, r := range rs {
		last[r.id()] = r
	}
	final := make([]result, 0, len(last))
	for _, r := range last {
		final = append(final, r)
	}
	slices.SortFunc(final, func(a, b result) int {
		if a.line != b.line {
			return a.line - b.line
		}
		return strings.Compare(a.key, b.key)
	})
	recs := [][]string{resultsHeader}
	for _, r := range final {
		recs = append(recs, r.record())
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(recs); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(l.path), filepath.Base(l.path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), l.path); err != nil {
		return err
	}
	syncDir(l.path)
	return nil
}

func (l *resultsLog) close() error { return l.f.Close() }

// syncDir flushes the directory entry of path, so a new or renamed file
// survives a crash too. Not every system can sync a directory, and the file
// itself is flushed already, so a failure here is not worth stopping for.
func syncDir(path string) {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return
	}
	defer d.Close()
	_ = d.Sync()
}
