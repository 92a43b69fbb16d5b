package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// csvRow is one data row of an input file, its cells by column name.
type csvRow struct {
	line     int // the file's line number, the header being line 1
	cells    map[string]string
	problems []problem // problems of the row's shape, found while reading
}

// readCSV reads an input file whose first row names its columns, in any
// order. Every column must be one of columns (matched without regard to
// case) and those in required must be present. A problem with the header
// is an error; a problem with a row is recorded on the row, so every bad
// row can be reported at once.
func readCSV(path string, columns, required []string) ([]csvRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &usageError{problems: []problem{{"--csv", fmt.Sprintf("cannot read %s: %v", path, unwrapPathError(err))}}}
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1 // rows with the wrong number of fields are reported with the others

	head, err := cr.Read()
	if err == io.EOF {
		return nil, &usageError{msg: fmt.Sprintf("%s: the file is empty; the first row must name the columns (%s)", path, strings.Join(columns, ", "))}
	}
	if err != nil {
		return nil, &usageError{msg: fmt.Sprintf("%s: %v", path, err)}
	}
	headLine, _ := cr.FieldPos(0)
	canonical := map[string]string{}
	for _, c := range columns {
		canonical[strings.ToLower(c)] = c
	}
	names := make([]string, len(head))
	seen := map[string]bool{}
	var hp []string
	for i, h := range head {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // spreadsheet programs start the file with a byte order mark
		}
		c, ok := canonical[strings.ToLower(h)]
		switch {
		case !ok:
			hp = append(hp, fmt.Sprintf("unknown column %q", h))
		case seen[c]:
			hp = append(hp, fmt.Sprintf("column %s appears twice", c))
		}
		seen[c] = true
		names[i] = c
	}
	for _, c := range required {
		if !seen[c] {
			hp = append(hp, fmt.Sprintf("required column %s is missing", c))
		}
	}
	if len(hp) > 0 {
		return nil, &usageError{msg: fmt.Sprintf("%s line %d (header): %s; the columns are %s (any order; %s required)",
			path, headLine, strings.Join(hp, "; "), strings.Join(columns, ", "), strings.Join(required, ", "))}
	}

	var rows []csvRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// A quoting error loses the row; report it and read on.
			rows = append(rows, csvRow{line: pe.StartLine, problems: []problem{{"(row)", fmt.Sprintf("not valid CSV: %v", pe.Err)}}})
			continue
		}
		if err != nil {
			return nil, &usageError{msg: fmt.Sprintf("%s: %v", path, err)}
		}
		line, _ := cr.FieldPos(0)
		row := csvRow{line: line, cells: map[string]string{}}
		if len(rec) != len(names) {
			row.problems = append(row.problems, problem{"(row)", fmt.Sprintf("has %d fields, the header has %d", len(rec), len(names))})
		}
		empty := true
		for i, v := range rec {
			if i < len(names) {
				row.cells[names[i]] = v
			}
			if strings.TrimSpace(v) != "" {
				empty = false
			}
		}
		if empty {
			continue // a row of empty cells, as spreadsheets leave at the end
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// cell returns a row's value for column, trimmed; nil when it is empty or
// the file has no such column (not given).
func (r csvRow) cell(column string, trim bool) *string {
	v, ok := r.cells[column]
	if trim {
		v = strings.TrimSpace(v)
	}
	if !ok || v == "" {
		return nil
	}
	return &v
}

// list splits a ;-separated cell; nil when the cell is empty.
func (r csvRow) list(column string) []string {
	v := r.cell(column, true)
	if v == nil {
		return nil
	}
	var out []string
	for _, s := range strings.Split(*v, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// The columns of the bulk commands are the request's JSON field names,
// except apps, which is accessibleRhombusApps.

// columnNamer names a request field by its column.
func columnNamer(field string) string {
	if field == "accessibleRhombusApps" {
		return "apps"
	}
	return field
}
