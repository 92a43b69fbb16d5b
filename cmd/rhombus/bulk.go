package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

// bulkOp is what differs between the bulk commands; everything else (the
// checks, the results file, concurrency, interrupts) is shared.
type bulkOp struct {
	command   string // "register-devices"
	operation string // "createPendingRegistration"
	keyColumn string // what identifies a row across runs
	verb      string // for progress lines: "registered"
	doing     string // for the progress bar: "registering"
	columns   []string
	row       func(csvRow) (req any, key string, ps []problem)
	send      func(ctx context.Context, c *rhombus.Client, req any) (uuid, warning string, err error)
}

// bulkFlags are the flags of both bulk commands.
type bulkFlags struct {
	csv, results  string
	concurrency   int
	rate          float64
	burst         int
	noLimit       bool
	set           map[string]bool // the flags given explicitly
	skipInvalid   bool
	resendUnknown bool
}

func (f *bulkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.csv, "csv", "", "")
	fs.StringVar(&f.results, "results", "", "")
	fs.IntVar(&f.concurrency, "concurrency", 4, "")
	fs.Float64Var(&f.rate, "rate", rhombus.DefaultRate, "")
	fs.IntVar(&f.burst, "burst", bulkBurst, "")
	fs.BoolVar(&f.noLimit, "no-limit", false, "")
	fs.BoolVar(&f.skipInvalid, "skip-invalid", false, "")
	fs.BoolVar(&f.resendUnknown, "resend-unknown", false, "")
}

// maxConcurrency keeps a typo from opening thousands of connections; the
// limiter, not the concurrency, sets the pace anyway.
const maxConcurrency = 64

func (f *bulkFlags) validate() []problem {
	var ps []problem
	if f.csv == "" {
		ps = append(ps, problem{"--csv", "is required: the CSV file to read"})
	}
	if f.concurrency < 1 || f.concurrency > maxConcurrency {
		ps = append(ps, problem{"--concurrency", fmt.Sprintf("must be from 1 to %d, got %d", maxConcurrency, f.concurrency)})
	}
	if !(f.rate > 0) || math.IsInf(f.rate, 0) {
		ps = append(ps, problem{"--rate", fmt.Sprintf("must be a positive number of requests a second, got %v", f.rate)})
	}
	if f.burst < 1 {
		ps = append(ps, problem{"--burst", fmt.Sprintf("must be at least 1, got %d", f.burst)})
	}
	if f.noLimit && (f.set["rate"] || f.set["burst"]) {
		ps = append(ps, problem{"--no-limit", "turns pacing off; it cannot go with --rate or --burst"})
	}
	if f.csv != "" && samePath(f.csv, f.results) {
		ps = append(ps, problem{"--results", "must not be the CSV file itself"})
	}
	return ps
}

func samePath(a, b string) bool {
	pa, err1 := filepath.Abs(a)
	pb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && pa == pb
}

// bulkRetryPolicy is the wrapper's default with more attempts. For these
// writes the wrapper resends only after a 429 or when the request provably
// never left, so more attempts cannot create anything twice; a bulk job
// should outlast a burst of 429s rather than fail its rows.
func bulkRetryPolicy() rhombus.RetryPolicy {
	p := rhombus.DefaultRetryPolicy()
	p.MaxAttempts = 10
	return p
}

// bulkRow is a checked CSV row.
type bulkRow struct {
	line     int
	key      string
	req      any
	problems []problem
	// duplicate says the key is on an earlier line too: the row is then
	// known by its line, so its result cannot stand for the other row's.
	duplicate bool
	// resending says the row's previous outcome was unknown: a duplicate
	// answer then means that earlier request was applied.
	resending bool
}

func (r *bulkRow) resultKey() string {
	if r.duplicate {
		return ""
	}
	return r.key
}

func (r *bulkRow) id() string { return rowID(r.line, r.resultKey()) }

// bulkError ends a bulk run whose rows were reported already.
type bulkError struct{ code int }

func (e *bulkError) Error() string { return fmt.Sprintf("bulk run ended with exit code %d", e.code) }

// checkRows turns CSV rows into requests, recording every problem of every
// row, a key repeated within the file included (the second would fail, and
// the results file could not tell the two apart).
func (op *bulkOp) checkRows(rows []csvRow) []*bulkRow {
	out := make([]*bulkRow, 0, len(rows))
	first := map[string]int{}
	for _, cr := range rows {
		br := &bulkRow{line: cr.line, problems: cr.problems}
		if cr.cells != nil {
			var ps []problem
			br.req, br.key, ps = op.row(cr)
			br.problems = append(br.problems, ps...)
		}
		if br.key != "" {
			id := strings.ToLower(br.key)
			if l, ok := first[id]; ok {
				br.duplicate = true
				br.problems = append(br.problems, problem{op.keyColumn, fmt.Sprintf("%q is on line %d already; each %s may appear once", br.key, l, op.keyColumn)})
			} else {
				first[id] = br.line
			}
		}
		out = append(out, br)
	}
	return out
}

// summary is what a bulk run did, printed to stdout when it ends.
type summary struct {
	Command        string `json:"command"`
	Operation      string `json:"operation"`
	CSV            string `json:"csv"`
	Results        string `json:"results"`
	Rows           int    `json:"rows"`
	Skipped        int    `json:"skipped"`        // invalid rows skipped (--skip-invalid)
	AlreadyCreated int    `json:"alreadyCreated"` // created by an earlier run, not sent
	Sent           int    `json:"sent"`
	Created        int    `json:"created"`
	Failed         int    `json:"failed"`
	Unknown        int    `json:"unknown"`
	NotResent      int    `json:"notResent"` // unknown or failed for good in an earlier run, left alone
	NotStarted     int    `json:"notStarted"`
	Interrupted    bool   `json:"interrupted"`
}

func (s summary) ok() bool {
	return s.Failed == 0 && s.Unknown == 0 && s.NotResent == 0 && s.NotStarted == 0 && !s.Interrupted
}

func runBulk(a *app, g *globals, args []string, op *bulkOp) error {
	var f bulkFlags
	fs := newFlagSet(op.command, g)
	f.register(fs)
	set, err := parseFlags(fs, args, g)
	if err != nil {
		return err
	}
	f.set = set
	if f.results == "" && f.csv != "" {
		f.results = f.csv + ".results.csv"
	}
	if err := problems(append(g.validate(), f.validate()...)...); err != nil {
		return err
	}
	csvRows, err := readCSV(f.csv, op.columns, []string{op.keyColumn})
	if err != nil {
		return err
	}
	rows := op.checkRows(csvRows)
	var invalid []*bulkRow
	for _, r := range rows {
		if len(r.problems) > 0 {
			invalid = append(invalid, r)
		}
	}
	prefix := fmt.Sprintf("rhombus: %s: ", op.command)
	if len(invalid) > 0 {
		if !f.skipInvalid {
			fmt.Fprintf(a.stderr, "%s%s: %d of %d rows are invalid, so nothing was sent (--skip-invalid sends the valid rows and skips these):\n",
				prefix, f.csv, len(invalid), len(rows))
			reportInvalid(a, invalid)
			return &bulkError{code: exitUsage}
		}
		if len(invalid) == len(rows) {
			// Nothing to send: exit 0 would say every row was created.
			fmt.Fprintf(a.stderr, "%s%s: all %d rows are invalid, so nothing was sent:\n", prefix, f.csv, len(rows))
			reportInvalid(a, invalid)
			return &bulkError{code: exitUsage}
		}
		fmt.Fprintf(a.stderr, "%s%s: skipping %d invalid rows of %d:\n", prefix, f.csv, len(invalid), len(rows))
		reportInvalid(a, invalid)
	}
	prev, err := loadResults(f.results)
	if err != nil {
		return &usageError{problems: []problem{{"--results", err.Error()}}}
	}

	sum := summary{Command: op.command, Operation: op.operation, CSV: f.csv, Results: f.results, Rows: len(rows)}
	var toSend []*bulkRow
	var skipped []result
	var keptUnknown, keptFailed []result
	for _, r := range rows {
		p, had := prev[r.id()]
		switch {
		case had && p.outcome == outcomeCreated:
			sum.AlreadyCreated++
		case had && p.outcome == outcomeUnknown && (!f.resendUnknown || len(r.problems) > 0):
			keptUnknown = append(keptUnknown, p)
		case had && p.outcome == outcomeFailed && !p.retrySafe:
			keptFailed = append(keptFailed, p)
		case len(r.problems) > 0:
			sum.Skipped++
			skipped = append(skipped, result{line: r.line, key: r.resultKey(), outcome: outcomeSkipped,
				detail: "invalid: " + problemText(r.problems), retrySafe: true})
		case had && p.outcome == outcomeUnknown:
			r.resending = true
			toSend = append(toSend, r)
		default: // new, skipped before, or failed without having been applied
			toSend = append(toSend, r)
		}
	}
	sum.NotResent = len(keptUnknown) + len(keptFailed)
	if len(prev) > 0 {
		fmt.Fprintf(a.stderr, "%sresuming from %s: %d rows created already, %d to send\n", prefix, f.results, sum.AlreadyCreated, len(toSend))
	}

	limiter, err := f.limiter(a, g)
	if err != nil {
		return err
	}
	c, err := newClient(a, g, rhombus.WithLimiter(limiter), rhombus.WithRetryPolicy(bulkRetryPolicy()),
		rhombus.WithWarningHandler(nil)) // warnings are reported per row
	if err != nil {
		return err
	}
	resLog, err := openResults(f.results)
	if err != nil {
		return &usageError{problems: []problem{{"--results", err.Error()}}}
	}
	for _, s := range skipped {
		if err := resLog.write(s); err != nil {
			resLog.close()
			return err
		}
	}

	run := &bulkRun{op: op, client: c, log: resLog, progress: newProgress(a, len(toSend), op.verb, op.doing),
		interrupts: a.interrupts}
	run.send(toSend, f.concurrency)
	run.progress.finish()
	sum.Sent = run.started
	sum.Created, sum.Failed, sum.Unknown = run.created, run.failed, len(run.unknown)
	sum.NotStarted = len(toSend) - run.started
	sum.Interrupted = run.interrupted

	cerr := resLog.compact()
	resLog.close()
	if run.writeErr != nil {
		fmt.Fprintf(a.stderr, "%sstopped: %v\n", prefix, run.writeErr)
	} else if cerr != nil {
		fmt.Fprintf(a.stderr, "%srewriting %s: %v (its lines are still valid; the last line of a row wins)\n", prefix, f.results, cerr)
	}
	reportUnknown(a, prefix, run.unknown, keptUnknown)
	if len(keptFailed) > 0 {
		fmt.Fprintf(a.stderr, "%s%d rows failed in an earlier run in a way a resend cannot fix, and were not sent:\n", prefix, len(keptFailed))
		for _, r := range keptFailed {
			fmt.Fprintf(a.stderr, "  line %d %s: %s\n", r.line, r.key, r.detail)
		}
	}
	if sum.Interrupted {
		fmt.Fprintf(a.stderr, "%sinterrupted: %d rows were not started; run the same command again to resume (%s records what was done)\n",
			prefix, sum.NotStarted, f.results)
	}
	if err := printSummary(a, g.output, sum); err != nil {
		return err
	}
	switch {
	case sum.Failed+sum.Unknown+sum.NotResent > 0 || run.writeErr != nil:
		return &bulkError{code: exitFailed}
	case !sum.ok():
		return &bulkError{code: exitInterrupted}
	}
	return nil
}

func reportInvalid(a *app, rows []*bulkRow) {
	for _, r := range rows {
		for _, p := range r.problems {
			fmt.Fprintf(a.stderr, "  line %d: %s\n", r.line, p)
		}
	}
}

func problemText(ps []problem) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, "; ")
}

// reportUnknown lists the rows whose request may or may not have been
// applied, so the operator can check them before anything resends them.
func reportUnknown(a *app, prefix string, now, kept []result) {
	if len(now)+len(kept) == 0 {
		return
	}
	fmt.Fprintf(a.stderr, "%s%d rows have an unknown outcome: their request may have been applied. Check them in the Rhombus console; a re-run sends them again only with --resend-unknown:\n",
		prefix, len(now)+len(kept))
	for _, r := range kept {
		fmt.Fprintf(a.stderr, "  line %d %s (unknown since an earlier run): %s\n", r.line, r.key, r.detail)
	}
	for _, r := range now {
		fmt.Fprintf(a.stderr, "  line %d %s: %s\n", r.line, r.key, r.detail)
	}
}

func printSummary(a *app, format string, s summary) error {
	if format == "json" {
		return printJSON(a.stdout, s)
	}
	return table(a.stdout, [][]string{
		{"csv", s.CSV},
		{"results", s.Results},
		{"rows", fmt.Sprint(s.Rows)},
		{"skipped (invalid)", fmt.Sprint(s.Skipped)},
		{"already created", fmt.Sprint(s.AlreadyCreated)},
		{"sent", fmt.Sprint(s.Sent)},
		{"created", fmt.Sprint(s.Created)},
		{"failed", fmt.Sprint(s.Failed)},
		{"unknown", fmt.Sprint(s.Unknown)},
		{"not resent", fmt.Sprint(s.NotResent)},
		{"not started", fmt.Sprint(s.NotStarted)},
		{"interrupted", fmt.Sprint(s.Interrupted)},
	})
}

// bulkRun sends rows and records their outcomes.
type bulkRun struct {
	op       *bulkOp
	client   *rhombus.Client
	log      *resultsLog
	progress *progress
	// interrupts delivers Ctrl-C (see app.interrupts).
	interrupts func(chan os.Signal) (stop func())

	stop context.CancelFunc // stops new rows from starting

	mu          sync.Mutex
	started     int
	created     int
	failed      int
	unknown     []result
	interrupted bool
	writeErr    error
}

// send runs the rows with at most concurrency in flight. The first
// interrupt (or a results file that cannot be written) stops new rows from
// starting and lets the ones in flight finish, so their outcome is known;
// a second interrupt abandons them, and the wrapper reports each as an
// outcome-unknown error, which is recorded as such.
func (b *bulkRun) send(rows []*bulkRow, concurrency int) {
	stopCtx, stop := context.WithCancel(context.Background())
	defer stop()
	callCtx, abort := context.WithCancel(context.Background())
	defer abort()
	b.stop = stop

	sigs := make(chan os.Signal, 2)
	defer b.interrupts(sigs)()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		b.mu.Lock()
		b.interrupted = true
		b.mu.Unlock()
		stop()
		b.progress.printf("interrupted: starting no new rows; waiting for the rows in flight (interrupt again to abandon them; their outcome is then unknown)")
		select {
		case <-sigs:
			abort()
		case <-done:
		}
	}()

	jobs := make(chan *bulkRow)
	go func() {
		defer close(jobs)
		for _, r := range rows {
			select {
			case <-stopCtx.Done():
				return
			case jobs <- r:
			}
		}
	}()
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for r := range jobs {
				if stopCtx.Err() != nil {
					continue // drain: these rows are not started
				}
				b.process(callCtx, r)
			}
		})
	}
	wg.Wait()
}

func (b *bulkRun) process(ctx context.Context, r *bulkRow) {
	// Written before the request leaves: if the run dies before the answer,
	// the row stays unknown and is not resent blindly.
	inFlight := result{line: r.line, key: r.key, outcome: outcomeUnknown,
		detail: "the run stopped while the request was in flight; it may have been applied"}
	if err := b.log.write(inFlight); err != nil {
		b.fail(err)
		return
	}
	b.mu.Lock()
	b.started++
	b.mu.Unlock()

	uuid, warning, err := b.op.send(ctx, b.client, r.req)
	res := classify(r, uuid, warning, err)
	if werr := b.log.write(res); werr != nil {
		b.fail(werr)
	}
	b.mu.Lock()
	switch res.outcome {
	case outcomeCreated:
		b.created++
	case outcomeFailed:
		b.failed++
	case outcomeUnknown:
		b.unknown = append(b.unknown, res)
	}
	b.mu.Unlock()
	switch {
	case res.outcome == outcomeFailed:
		b.progress.printf("line %d %s: failed: %s", r.line, r.key, res.detail)
	case res.outcome == outcomeUnknown:
		b.progress.printf("line %d %s: outcome unknown: %s", r.line, r.key, res.detail)
	case warning != "":
		b.progress.printf("line %d %s: warning: %s", r.line, r.key, warning)
	}
	b.progress.row(res.outcome)
}

// fail stops the run when the results file cannot be written: going on
// would send requests whose outcome nobody could find later.
func (b *bulkRun) fail(err error) {
	b.mu.Lock()
	if b.writeErr == nil {
		b.writeErr = err
	}
	b.mu.Unlock()
	b.stop()
}

// classify turns a row's answer into its result. The rule, from the API's
// facts: only what provably was not applied is retry-safe (a 429, a
// refusal, a request that never left), and whatever may have been applied
// is unknown, for the operator to check before anything resends it.
func classify(r *bulkRow, uuid, warning string, err error) result {
	res := result{line: r.line, key: r.key}
	var apiErr *rhombus.APIError
	var decErr *rhombus.DecodeError
	var reqErr *rhombus.RequestError
	var valErr *rhombus.ValidationError
	switch {
	case err == nil:
		res.outcome, res.uuid = outcomeCreated, uuid
		if warning != "" {
			res.detail = "warning: " + warning
		}
	case isDuplicate(err) && r.resending:
		res.outcome = outcomeCreated
		res.detail = "exists: the earlier request, whose outcome was unknown, had been applied (" + err.Error() + ")"
	case isDuplicate(err):
		res.outcome = outcomeFailed
		res.detail = err.Error() + " (it exists already; a re-run does not resend it)"
	case errors.Is(err, rhombus.ErrOutcomeUnknown):
		// The wrapper says so for a dropped connection, a timeout after
		// sending, a 5xx and an unreadable answer to a write. The report's
		// heading already says what an unknown outcome means: keep the cause.
		res.outcome, res.detail = outcomeUnknown, unknownCause(err)
	case errors.As(err, &decErr):
		// The envelope said success but the rest could not be read: applied,
		// with no UUID to show for it, so the operator checks it.
		res.outcome, res.detail = outcomeUnknown, "outcome unknown: "+err.Error()+" (the server reported success; its answer could not be read)"
	case errors.As(err, &apiErr):
		// A 429, a 4xx or a refusal in a 200's envelope: refused, not applied.
		res.outcome, res.detail, res.retrySafe = outcomeFailed, err.Error(), true
	case errors.As(err, &reqErr), errors.As(err, &valErr):
		// Not sent: the wrapper reports a write that may have left as
		// *OutcomeUnknownError, never as *RequestError.
		res.outcome, res.detail, res.retrySafe = outcomeFailed, err.Error(), true
	default:
		res.outcome, res.detail = outcomeUnknown, err.Error()
	}
	return res
}

// unknownCause is what went wrong with a write of unknown outcome, without
// the operation and the explanation the report prints once for all rows.
func unknownCause(err error) string {
	var ou *rhombus.OutcomeUnknownError
	if !errors.As(err, &ou) || ou.Err == nil {
		return err.Error()
	}
	cause := ou.Err.Error()
	cause = strings.TrimPrefix(cause, "rhombus: ")
	cause = strings.TrimPrefix(cause, ou.Operation+": ")
	return cause
}

// isDuplicate reports an answer saying the thing exists already.
// createUser says so with responseStatus USER_EXISTS; createPendingRegistration
// has no code for it, only a refusal ("error": true) whose message says so.
func isDuplicate(err error) bool {
	if errors.Is(err, rhombus.ErrUserExists) {
		return true
	}
	var apiErr *rhombus.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusOK &&
		strings.Contains(strings.ToLower(apiErr.Message), "already exists")
}

const bulkFlagsUsage = `
Flags:
  --csv FILE            the rows to send (required)
  --results FILE        the results file (default FILE.results.csv)
  --concurrency N       rows in flight at once (default 4)
  --rate R              a fixed rate, requests a second; by default the rate is learned:
                        from 10/s it speeds up while answers succeed (to 100/s at
                        most) and slows down on 429 answers
  --burst N             requests sent at once after a pause (default 20)
  --no-limit            no client-side pacing at all (429 answers are still waited out)
  --skip-invalid        send the valid rows, report the invalid ones as skipped
  --resend-unknown      resend rows whose outcome is unknown (check them first)

Every row is checked before anything is sent; invalid rows are reported with
their line number, field and rule, and nothing is sent unless all rows are
valid or --skip-invalid is given (and then not when every row is invalid:
that exits 2, as a bad row does without it).

The results file gets a line per row as soon as the row ends (line, key,
outcome, uuid, detail, retry_safe), flushed to disk. Outcomes:
  created  done (uuid: createUser's userUuid)
  failed   refused by Rhombus (4xx, 429, a refusal in a 200) or never sent;
           retry_safe says a resend cannot create anything twice
  unknown  may have been applied: the connection broke, the server failed
           (5xx), or the run was killed while the request was in flight
  skipped  invalid, with --skip-invalid
Running the same command again resumes: created rows are not sent again,
retry-safe failed and skipped rows are, and unknown rows are listed for you
to check and resent only with --resend-unknown (a resend that finds the row
existing records it as created). Ctrl-C stops starting new rows and waits
for those in flight; a second Ctrl-C abandons them, leaving them unknown.
`
