package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rhombuskit/rhombus-go/api"
)

// --output json prints the API's answer as the typed model decoded it, so a
// script sees the same fields the API documents; --output table prints what
// a person needs to read at a glance.

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// table writes rows aligned in columns; the first row is the header.
func table(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func ruuidText(r api.RUUID, none string) string {
	if r == "" {
		return none
	}
	return string(r)
}

// enumText prints any of the API's string enums, including values this
// build does not know: the server adds them without notice.
func enumText[T ~string](v T) string {
	if v == "" {
		return "-"
	}
	return string(v)
}

func boolText(p *bool) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}
