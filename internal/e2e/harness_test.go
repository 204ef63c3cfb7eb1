package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/vadesk/vadesk/internal/app"
	"github.com/vadesk/vadesk/internal/config"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/internal/store"
	"github.com/vadesk/vadesk/web"
)

var fileSafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// stepTimeout bounds every browser step, so a missing button fails the test
// with its name instead of hanging until the test binary's deadline.
const stepTimeout = 20 * time.Second

// chromium finds the browser, or skips (fails with VADESK_E2E=required).
func chromium(t *testing.T) string {
	t.Helper()
	candidates := []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"}
	if c := os.Getenv("VADESK_CHROMIUM"); c != "" {
		candidates = []string{c} // asked for this one: no other
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := "\n" + strings.Repeat("!", 72) + "\n" +
		"  BROWSER TESTS SKIPPED: no Chromium found (tried chromium, chromium-browser,\n" +
		"  google-chrome, /usr/bin/chromium; set VADESK_CHROMIUM to point at one).\n" +
		"  Install it (apt-get install chromium) to run the web app's journeys.\n" +
		strings.Repeat("!", 72)
	if os.Getenv("VADESK_E2E") == "required" {
		t.Fatal(msg + "\n  VADESK_E2E=required: failing instead of skipping.")
	}
	// go test shows skip reasons only with -v; this one must be seen.
	fmt.Fprintln(os.Stderr, msg)
	t.Skip(msg)
	return ""
}

// lockedBuffer collects the server's error log from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is the real vadesk over a fresh database on a loopback port.
type server struct {
	URL    string
	errors *lockedBuffer
}

func startServer(t *testing.T) *server {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB = filepath.Join(t.TempDir(), "vadesk.db")
	st, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Errors (5xx, panics) are bugs whatever the page shows: they are
	// collected and fail the test at the end.
	errs := &lockedBuffer{}
	var out io.Writer = errs
	if os.Getenv("VADESK_TEST_LOG") != "" {
		out = io.MultiWriter(errs, os.Stderr)
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelError}))
	e := httpapi.New(httpapi.Deps{Config: cfg, Store: st, Services: app.New(cfg, st, time.Now), Log: log, Web: web.Static()})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	s := &server{URL: srv.URL, errors: errs}
	t.Cleanup(func() {
		if e := errs.String(); e != "" {
			t.Errorf("the server logged errors:\n%s", e)
		}
	})
	return s
}

// suite is one browser shared by every journey, and where screenshots go.
type suite struct {
	t       *testing.T
	srv     *server
	browser context.Context
	shots   string
	shotN   int
	mu      sync.Mutex
}

func newSuite(t *testing.T) *suite {
	t.Helper()
	exe := chromium(t)
	srv := startServer(t)
	shots := os.Getenv("VADESK_E2E_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", shots)

	// The profile is removed by hand: Chromium may still be writing to it
	// for a moment after it was told to quit, which t.TempDir's cleanup
	// reports as a failure.
	profile, err := os.MkdirTemp("", "vadesk-e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	// Start the browser now, so a broken one fails here with a clear error.
	// (Not under a timeout context: chromedp ties the browser's life to the
	// context of its first Run.)
	if err := chromedp.Run(bctx); err != nil {
		if os.Getenv("VADESK_E2E") != "required" {
			t.Skipf("BROWSER TESTS SKIPPED: Chromium at %s does not start: %v", exe, err)
		}
		t.Fatalf("start Chromium at %s: %v", exe, err)
	}
	return &suite{t: t, srv: srv, browser: bctx, shots: shots}
}

// tab is one page with its own console watch. A tab made with fresh=true
// lives in a new browser context: its own cookies and storage, like a
// different person on a different computer.
type tab struct {
	s        *suite
	t        *testing.T
	ctx      context.Context
	name     string
	mu       sync.Mutex
	problems []string
	dlDir    string
	dlMu     sync.Mutex
	dlDone   map[string]string // GUID → suggested file name, once complete
	dlNames  map[string]string
}

func (s *suite) newTab(t *testing.T, name string, fresh bool) *tab {
	t.Helper()
	var opts []chromedp.ContextOption
	var browserContext cdp.BrowserContextID
	if fresh {
		// A new browser context with a window of its own. (chromedp's
		// WithNewBrowserContext opens no window, which Chromium's headless
		// mode refuses with "no browser is open".)
		var id target.ID
		var bc cdp.BrowserContextID
		err := chromedp.Run(s.browser, chromedp.ActionFunc(func(ctx context.Context) error {
			exec := cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser)
			var err error
			bc, err = target.CreateBrowserContext().WithDisposeOnDetach(true).Do(exec)
			if err != nil {
				return err
			}
			id, err = target.CreateTarget("about:blank").WithBrowserContextID(bc).WithNewWindow(true).Do(exec)
			return err
		}))
		if err != nil {
			t.Fatalf("open a fresh browser context for %s: %v", name, err)
		}
		opts = append(opts, chromedp.WithTargetID(id))
		browserContext = bc
	}
	ctx, cancel := chromedp.NewContext(s.browser, opts...)
	s.t.Cleanup(cancel)
	tb := &tab{s: s, t: t, ctx: ctx, name: name, dlDir: s.t.TempDir(), dlDone: map[string]string{}, dlNames: map[string]string{}}
	chromedp.ListenTarget(ctx, tb.listen)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("open tab %s: %v", name, err)
	}
	set := browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(tb.dlDir).WithEventsEnabled(true)
	if browserContext != "" {
		set = set.WithBrowserContextID(browserContext)
	}
	if err := chromedp.Run(ctx, set); err != nil {
		t.Fatalf("allow downloads in tab %s: %v", name, err)
	}
	return tb
}

// listen records what a person would call an error on the page: console
// errors, uncaught exceptions, and browser log errors other than network
// ones (an expected 401 or 404 answer is logged by Chromium as a failed
// resource; the app handles those).
func (tb *tab) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert || ev.Type == runtime.APITypeWarning {
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			tb.problem(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.problem(fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber, msg))
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.LevelError && ev.Entry.Source != cdplog.SourceNetwork {
			tb.problem(fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *browser.EventDownloadWillBegin:
		tb.dlMu.Lock()
		tb.dlNames[ev.GUID] = ev.SuggestedFilename
		tb.dlMu.Unlock()
	case *browser.EventDownloadProgress:
		if ev.State == browser.DownloadProgressStateCompleted {
			tb.dlMu.Lock()
			tb.dlDone[ev.GUID] = tb.dlNames[ev.GUID]
			tb.dlMu.Unlock()
		}
	}
}

func (tb *tab) problem(p string) {
	tb.mu.Lock()
	tb.problems = append(tb.problems, p)
	tb.mu.Unlock()
}

// clean fails the test if the page reported errors since the last check.
func (tb *tab) clean(t *testing.T) {
	t.Helper()
	tb.mu.Lock()
	ps := tb.problems
	tb.problems = nil
	tb.mu.Unlock()
	for _, p := range ps {
		t.Errorf("%s tab: %s", tb.name, p)
	}
}

// use points the tab's failures at the running subtest.
func (tb *tab) use(t *testing.T) *tab {
	tb.t = t
	return tb
}

func (tb *tab) run(what string, actions ...chromedp.Action) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		tb.shot("FAILED-" + fileSafe.ReplaceAllString(what, "-"))
		var text string
		_ = chromedp.Run(tb.ctx, chromedp.Evaluate(`(() => {
			const m = document.querySelector("main") || document.body;
			if (!m) return "";
			const c = m.cloneNode(true);
			c.querySelectorAll("select, option, svg").forEach((e) => e.remove());
			return c.textContent.replace(/\s+/g, " ").slice(0, 1500);
		})()`, &text))
		tb.t.Fatalf("%s: %v\npage text:\n%s", what, err, text)
	}
}

// A locator is a JavaScript expression that finds one node, or null. The
// lookups run in the page, rather than through chromedp's DOM mirror (which
// can miss nodes a view inserts after the page loaded), and find things as
// a person does: fields by their label, buttons by their name, inside the
// form or region named scope.

// findJS defines the page-side finders once per expression.
const findJS = `
	const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
	const shown = (e) => e.getClientRects().length > 0;
	const roots = (scope) => {
		if (!scope) return [document];
		return [...document.querySelectorAll("[aria-label], [aria-labelledby]")].filter((e) => {
			if (e.getAttribute("aria-label") === scope) return true;
			const l = e.getAttribute("aria-labelledby");
			return !!l && norm(document.getElementById(l)?.textContent) === scope;
		});
	};
	const control = (scope, label) => {
		for (const r of roots(scope)) for (const l of r.querySelectorAll("label")) {
			if (norm(l.textContent) === label && l.htmlFor) { const c = document.getElementById(l.htmlFor); if (c) return c; }
		}
		return null;
	};
	const named = (scope, name) => {
		let hidden = null;
		for (const r of roots(scope)) for (const b of r.querySelectorAll("button, a, summary, [role=button]")) {
			if (norm(b.textContent) === name || b.getAttribute("aria-label") === name) { if (shown(b)) return b; hidden = hidden || b; }
		}
		return hidden;
	};`

// control locates the form control labelled label inside scope.
func control(scope, label string) string {
	return `control(` + jsString(scope) + `, ` + jsString(label) + `)`
}

// button locates a button, link or disclosure by its accessible name (its
// text or aria-label) inside scope, preferring one that is shown.
func button(scope, name string) string {
	return `named(` + jsString(scope) + `, ` + jsString(name) + `)`
}

// closedSummary locates the summary named name of a closed details.
func closedSummary(name string) string {
	return `[...document.querySelectorAll("details:not([open]) > summary")].find((s) => norm(s.textContent) === ` + jsString(name) + `) || null`
}

// fill types into the field labelled label, as a person would: text goes
// in by key presses; dates and times are set (their pickers differ per
// locale); a select picks the option with that text; a checkbox is
// ticked ("true") or cleared ("false").
func (tb *tab) fill(scope, label, value string) {
	tb.t.Helper()
	loc := control(scope, label)
	var kind string
	tb.run("find field "+label, present(loc), chromedp.Evaluate(onNode(loc, `return n.tagName.toLowerCase() + ":" + (n.type || "");`), &kind))
	switch {
	case strings.HasPrefix(kind, "select:"):
		var ok bool
		tb.run("choose "+value+" in "+label, chromedp.Evaluate(onNode(loc, `
			const want = `+jsString(value)+`;
			const o = [...n.options].find((o) => o.textContent.trim() === want);
			if (o) { n.value = o.value; n.dispatchEvent(new Event("input", {bubbles: true})); n.dispatchEvent(new Event("change", {bubbles: true})); }
			return !!o;`), &ok))
		if !ok {
			var opts []string
			_ = chromedp.Run(tb.ctx, chromedp.Evaluate(onNode(loc, `return [...n.options].map((o) => o.textContent.trim());`), &opts))
			tb.t.Fatalf("field %q has no option %q (options: %q)", label, value, opts)
		}
	case kind == "input:checkbox":
		var checked bool
		tb.run("read "+label, chromedp.Evaluate(onNode(loc, `return n.checked;`), &checked))
		if (value == "true") != checked {
			tb.run("tick "+label, clickNode(loc))
		}
	case kind == "input:date" || kind == "input:time" || kind == "input:datetime-local" || kind == "input:month":
		var ignored bool
		tb.run("set "+label, chromedp.Evaluate(onNode(loc, `n.value = `+jsString(value)+`;
			n.dispatchEvent(new Event("input", {bubbles: true})); n.dispatchEvent(new Event("change", {bubbles: true})); return true;`), &ignored))
	default:
		tb.run("type into "+label, typeInto(loc, value))
	}
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// present waits until loc finds a node that is rendered (not
// display:none, not in a closed details).
func present(loc string) chromedp.Action {
	var ok bool
	return chromedp.Poll(`(() => { `+findJS+` const n = `+loc+`; return !!n && shown(n); })()`, &ok, chromedp.WithPollingInterval(50*time.Millisecond))
}

// clickNode clicks the node loc finds with the mouse, after scrolling it
// into view: the middle of its first box (a link that wraps has one box per
// line, and the middle of all of them may be the gap between).
func clickNode(loc string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := present(loc).Do(ctx); err != nil {
			return err
		}
		var pt []float64
		if err := chromedp.Evaluate(onNode(loc, `n.scrollIntoView({block: "center", inline: "center"});
			const r = n.getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2];`), &pt).Do(ctx); err != nil {
			return err
		}
		return chromedp.MouseClickXY(pt[0], pt[1]).Do(ctx)
	})
}

// typeInto focuses the node loc finds, empties it and types text with key
// presses.
func typeInto(loc, text string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := present(loc).Do(ctx); err != nil {
			return err
		}
		var ok bool
		if err := chromedp.Evaluate(onNode(loc, `n.scrollIntoView({block: "center"}); n.focus(); n.value = "";
			n.dispatchEvent(new Event("input", {bubbles: true})); return document.activeElement === n;`), &ok).Do(ctx); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("cannot focus %s", loc)
		}
		return chromedp.KeyEvent(text).Do(ctx)
	})
}

// onNode is a JavaScript expression that runs body (a function body that
// returns) with n bound to the node loc finds.
func onNode(loc, body string) string {
	return `(() => { ` + findJS + ` const n = ` + loc + `;
		if (!n) throw new Error("nothing found by " + ` + jsString(loc) + `);
		` + body + ` })()`
}

// click presses the button or link named name.
func (tb *tab) click(scope, name string) {
	tb.t.Helper()
	tb.run("click "+name, clickNode(button(scope, name)))
}

// open opens the disclosure (details) whose summary reads name, unless it
// is open already.
func (tb *tab) open(name string) {
	tb.t.Helper()
	var closed bool
	tb.run("look for "+name, present(button("", name)),
		chromedp.Evaluate(`(() => { `+findJS+` return !!(`+closedSummary(name)+`); })()`, &closed))
	if closed {
		tb.run("open "+name, clickNode(closedSummary(name)))
	}
}

// wait polls a JavaScript expression until it is truthy.
func (tb *tab) wait(what, expr string) {
	tb.t.Helper()
	var ok bool
	tb.run(what, chromedp.Poll(expr, &ok, chromedp.WithPollingInterval(50*time.Millisecond)))
}

// badge waits until the page's first status badge (in the summary at the
// top) reads text.
func (tb *tab) badge(text string) {
	tb.t.Helper()
	tb.wait("status "+text, `(() => { const b = document.querySelector("main .summary-top .badge"); return !!b && b.textContent.trim() === `+jsString(text)+`; })()`)
}

// value reads the value of the field labelled label.
func (tb *tab) value(scope, label string) string {
	tb.t.Helper()
	var v string
	loc := control(scope, label)
	tb.run("read "+label, present(loc), chromedp.Evaluate(onNode(loc, `return n.value;`), &v))
	return v
}

// see waits until the page shows text.
func (tb *tab) see(text string) {
	tb.t.Helper()
	var ok bool
	tb.run("see "+text, chromedp.Poll(`document.body && document.body.innerText.includes(`+jsString(text)+`)`, &ok, chromedp.WithPollingInterval(50*time.Millisecond)))
}

// seeHeading waits for the page's h1 to read text.
func (tb *tab) seeHeading(text string) {
	tb.t.Helper()
	var ok bool
	tb.run("heading "+text, chromedp.Poll(`(() => { const h = document.querySelector("main h1"); return !!h && h.textContent.trim() === `+jsString(text)+` && !document.querySelector("main[aria-busy=true]"); })()`, &ok, chromedp.WithPollingInterval(50*time.Millisecond)))
}

// heading answers the page's h1 once the page has settled.
func (tb *tab) heading() string {
	tb.t.Helper()
	var s string
	tb.run("read heading", chromedp.Poll(`(() => { const h = document.querySelector("main h1"); return h && !document.querySelector("main[aria-busy=true]") ? h.textContent.trim() : false; })()`, &s, chromedp.WithPollingInterval(50*time.Millisecond)))
	return s
}

// text answers the visible text of the page.
func (tb *tab) text() string {
	tb.t.Helper()
	var s string
	tb.run("read page", chromedp.Evaluate(`document.body.innerText`, &s))
	return s
}

// visit opens a path of the app (e.g. "/#/clients") and waits until the
// app shows it (the app marks <html data-route> when a view is drawn; a
// change of the hash alone does not reload the page, so without the wait
// the old view could still be there).
func (tb *tab) visit(path string) {
	tb.t.Helper()
	want := "#/"
	if i := strings.Index(path, "#"); i >= 0 {
		want = path[i:]
	}
	tb.goTo(tb.s.srv.URL + path)
	tb.wait("show "+path, `document.documentElement.dataset.route === `+jsString(want))
}

// goTo opens a full URL.
func (tb *tab) goTo(url string) {
	tb.t.Helper()
	tb.run("open "+url, chromedp.Navigate(url), chromedp.WaitReady("body"))
}

// shot saves a screenshot of the whole page as NN-name.png.
func (tb *tab) shot(name string) {
	s := tb.s
	s.mu.Lock()
	s.shotN++
	n := s.shotN
	s.mu.Unlock()
	var buf []byte
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&buf, 100)); err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(s.shots, fmt.Sprintf("%02d-%s.png", n, name))
	if err := os.WriteFile(file, buf, 0o644); err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
	}
}

// phone makes the viewport 375 px wide (a small phone); desktop undoes it.
func (tb *tab) phone() {
	tb.t.Helper()
	tb.run("phone width", emulation.SetDeviceMetricsOverride(375, 812, 2, true))
}

func (tb *tab) desktop() {
	tb.t.Helper()
	tb.run("desktop width", emulation.ClearDeviceMetricsOverride())
}

// noSideways fails when the page is wider than the screen (content that
// should wrap or scroll inside its own box pushes the page sideways).
func (tb *tab) noSideways(page string) {
	tb.t.Helper()
	var offenders []string
	tb.run("measure "+page, chromedp.Evaluate(`(() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth <= w + 1) return [];
		const out = [];
		for (const el of document.querySelectorAll("body *")) {
			const r = el.getBoundingClientRect();
			if (r.right > w + 1 && !el.closest(".table-wrap") && el.offsetParent !== null) {
				out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") + " right=" + Math.round(r.right));
				if (out.length > 6) break;
			}
		}
		return out.length ? out : ["page scrollWidth " + document.documentElement.scrollWidth + " > " + w];
	})()`, &offenders))
	if len(offenders) > 0 {
		tb.t.Errorf("%s at phone width scrolls sideways; too wide: %s", page, strings.Join(offenders, ", "))
	}
}

// download clicks a download link and answers the saved file's bytes and
// suggested name.
func (tb *tab) download(scope, name string) ([]byte, string) {
	tb.t.Helper()
	tb.dlMu.Lock()
	before := len(tb.dlDone)
	tb.dlMu.Unlock()
	tb.click(scope, name)
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		tb.dlMu.Lock()
		if len(tb.dlDone) > before {
			for guid, file := range tb.dlDone {
				delete(tb.dlDone, guid)
				tb.dlMu.Unlock()
				b, err := os.ReadFile(filepath.Join(tb.dlDir, guid))
				if err != nil {
					tb.t.Fatalf("read download %s: %v", file, err)
				}
				return b, file
			}
		}
		tb.dlMu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	tb.t.Fatalf("clicking %q downloaded nothing within %s", name, stepTimeout)
	return nil, ""
}

// fieldError answers the error shown next to the field labelled label, if
// the field is marked invalid and describes itself with it.
func (tb *tab) fieldError(scope, label string) string {
	tb.t.Helper()
	var msg string
	loc := control(scope, label)
	tb.run("error of "+label, chromedp.Poll(onNode(loc, `
			if (n.getAttribute("aria-invalid") !== "true") return false;
			const ids = (n.getAttribute("aria-describedby") || "").split(" ");
			const err = ids.map((id) => document.getElementById(id)).find((e) => e && e.classList.contains("field-error"));
			return err ? err.textContent : false;`), &msg, chromedp.WithPollingInterval(50*time.Millisecond)))
	return msg
}

// nodeCount answers how many nodes match a CSS selector.
func (tb *tab) nodeCount(css string) int {
	tb.t.Helper()
	var n int
	tb.run("count "+css, chromedp.Evaluate(`document.querySelectorAll(`+jsString(css)+`).length`, &n))
	return n
}

// upload puts the file at path into the file input labelled label, as
// choosing it in the file picker would (the input fires its change event).
func (tb *tab) upload(scope, label, path string) {
	tb.t.Helper()
	loc := control(scope, label)
	var node *runtime.RemoteObject
	tb.run("find file field "+label, present(loc), chromedp.Evaluate(onNode(loc, `return n;`), &node))
	tb.run("choose "+filepath.Base(path)+" for "+label, chromedp.ActionFunc(func(ctx context.Context) error {
		return dom.SetFileInputFiles([]string{path}).WithObjectID(node.ObjectID).Do(ctx)
	}))
}

// rowJS finds the row of the table captioned caption whose row header
// (its first cell, up to any note under it) reads header.
func rowJS(caption, header string) string {
	return `(() => { ` + findJS + `
		const wrap = [...document.querySelectorAll(".table-wrap")].find((w) => w.getAttribute("aria-label") === ` + jsString(caption) + `);
		if (!wrap) return null;
		for (const tr of wrap.querySelectorAll("tr")) {
			const th = tr.querySelector("th[scope=row]");
			if (th && norm(th.firstChild && th.firstChild.textContent) === ` + jsString(header) + `) return [...tr.querySelectorAll("td")].map((td) => norm(td.textContent));
		}
		return null; })()`
}

// row waits for the row headed header in the table captioned caption and
// answers the text of its other cells.
func (tb *tab) row(caption, header string) []string {
	tb.t.Helper()
	var cells []string
	tb.run("row "+header+" of "+caption, chromedp.Poll(rowJS(caption, header), &cells, chromedp.WithPollingInterval(50*time.Millisecond)))
	return cells
}

// hasRow tells whether the table captioned caption has a row headed
// header now (no waiting: call it once the page has settled).
func (tb *tab) hasRow(caption, header string) bool {
	tb.t.Helper()
	var cells []string
	tb.run("look for row "+header+" of "+caption, chromedp.Evaluate(rowJS(caption, header), &cells))
	return cells != nil
}

// rowHeaders answers the row headers of the body of the table captioned
// caption (not its footer), waiting for the table.
func (tb *tab) rowHeaders(caption string) []string {
	tb.t.Helper()
	var names []string
	tb.run("rows of "+caption, chromedp.Poll(`(() => { `+findJS+`
		const wrap = [...document.querySelectorAll(".table-wrap")].find((w) => w.getAttribute("aria-label") === `+jsString(caption)+`);
		if (!wrap) return null;
		return [...wrap.querySelectorAll("tbody th[scope=row]")].map((th) => norm(th.firstChild && th.firstChild.textContent)); })()`,
		&names, chromedp.WithPollingInterval(50*time.Millisecond)))
	return names
}

// inFullJS is a function body (n bound) that answers why n cannot be seen
// in full as the page stands, without scrolling, or "" when it can: it must
// be inside the screen, not cut off by a box around it that scrolls or
// clips, and not covered by something else (a sticky column, a header).
const inFullJS = `
	const desc = (e) => !e ? "nothing" : e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : "") + (e.textContent ? " \"" + norm(e.textContent).slice(0, 30) + "\"" : "");
	if (!shown(n)) return "it is not shown";
	const r = n.getBoundingClientRect();
	const box = (b) => "[" + [b.left, b.top, b.right, b.bottom].map(Math.round).join(", ") + "]";
	const vw = document.documentElement.clientWidth, vh = window.innerHeight;
	if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) return "it is at " + box(r) + ", outside the screen of " + vw + "×" + vh;
	for (let p = n.parentElement; p && p !== document.body; p = p.parentElement) {
		const cs = getComputedStyle(p);
		if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
		const b = p.getBoundingClientRect();
		if (r.left < b.left - 0.5 || r.top < b.top - 0.5 || r.right > b.right + 0.5 || r.bottom > b.bottom + 0.5) return "it is at " + box(r) + ", cut off by " + desc(p) + " at " + box(b);
	}
	const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
	if (!top || (top !== n && !n.contains(top))) return "it is covered by " + desc(top);
	return "";`

// inFull fails the test unless the node loc finds can be seen in full as
// the page stands: no sideways scroll, no menu to open, nothing on top. It
// gives the page a moment (a view may settle its layout in the frame after
// it is drawn), but does not scroll.
func (tb *tab) inFull(what, loc string) {
	tb.t.Helper()
	var problem string
	tb.run("find "+what, present(loc))
	for deadline := time.Now().Add(2 * time.Second); ; {
		tb.run("look at "+what, chromedp.Evaluate(onNode(loc, inFullJS), &problem))
		if problem == "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if problem != "" {
		tb.shot("NOT-IN-VIEW-" + fileSafe.ReplaceAllString(what, "-"))
		tb.t.Errorf("%s cannot be seen without scrolling: %s", what, problem)
	}
}

// tapInPlace clicks the middle of the node loc finds where it is, without
// scrolling it into view first (as click does): what a person can press
// on the screen as it is.
func (tb *tab) tapInPlace(what, loc string) {
	tb.t.Helper()
	var pt []float64
	tb.run("find "+what, present(loc), chromedp.Evaluate(onNode(loc, `const r = n.getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2];`), &pt))
	tb.run("press "+what, chromedp.MouseClickXY(pt[0], pt[1]))
}

// scrollDownTo scrolls the page up or down (never sideways) so that the
// node loc finds is in the middle of the screen.
func (tb *tab) scrollDownTo(what, loc string) {
	tb.t.Helper()
	var ignored bool
	tb.run("scroll to "+what, present(loc), chromedp.Evaluate(onNode(loc, `const r = n.getBoundingClientRect();
		window.scrollBy(0, r.top + r.height / 2 - window.innerHeight / 2); return true;`), &ignored))
}

// links answers the names and addresses of the shown links inside the
// element matched by css, once they read want (the app hides the links of
// areas the server lacks a moment after it draws them).
func (tb *tab) links(css string, want []string) [][2]string {
	tb.t.Helper()
	var got [][2]string
	expr := `[...document.querySelectorAll(` + jsString(css+" a") + `)].filter((a) => a.getClientRects().length > 0).map((a) => [a.textContent.replace(/\s+/g, " ").trim(), a.getAttribute("href")])`
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	for {
		if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &got)); err != nil {
			tb.t.Fatalf("read the links of %s: %v", css, err)
		}
		names := make([]string, len(got))
		for i, l := range got {
			names[i] = l[0]
		}
		if strings.Join(names, "|") == strings.Join(want, "|") {
			return got
		}
		select {
		case <-ctx.Done():
			tb.t.Fatalf("the links of %s read %q, want %q", css, names, want)
			return nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// phoneNavigation checks at phone width that every entry of the main
// navigation (named want, in order) is in full view, without a sideways
// scroll, and that pressing each shows its page.
func (tb *tab) phoneNavigation(want ...string) {
	tb.t.Helper()
	for _, l := range tb.links(`nav[aria-label="Main"]`, want) {
		name, href := l[0], l[1]
		loc := button("Main", name)
		tb.inFull("the "+name+" link", loc)
		tb.tapInPlace("the "+name+" link", loc)
		tb.wait("show "+href, `document.documentElement.dataset.route === `+jsString(href))
		tb.noSideways(name)
	}
}

// phoneSettingsTabs checks at phone width that every tab of Settings
// (named want, in order) is in full view at once, and that pressing each
// shows its section with its tab marked and every tab still in view.
func (tb *tab) phoneSettingsTabs(want ...string) {
	tb.t.Helper()
	tb.visit("/#/settings")
	tb.seeHeading("Settings")
	tabs := tb.links(".tabs", want)
	for _, l := range tabs {
		name, href := l[0], l[1]
		tb.inFull("the "+name+" tab", button("Settings sections", name))
		tb.tapInPlace("the "+name+" tab", button("Settings sections", name))
		tb.wait("show "+href, `document.documentElement.dataset.route === `+jsString(href)+
			` && document.querySelector(".tabs a[aria-current=page]")?.getAttribute("href") === `+jsString(href))
		for _, other := range tabs {
			tb.inFull("the "+other[0]+" tab on "+name, button("Settings sections", other[0]))
		}
		tb.noSideways("settings " + name)
	}
}

// monthColumnInView checks that the table captioned caption shows the
// column headed header (a month, e.g. "Nov 2026") without a sideways
// scroll, once the page is scrolled down to the table.
func (tb *tab) monthColumnInView(caption, header string) {
	tb.t.Helper()
	wrap := `[...document.querySelectorAll(".table-wrap")].find((w) => w.getAttribute("aria-label") === ` + jsString(caption) + `) || null`
	th := `[...((` + wrap + `)?.querySelectorAll("thead th") || [])].find((th) => norm(th.textContent) === ` + jsString(header) + `) || null`
	tb.scrollDownTo("the "+header+" column of "+caption, th)
	tb.inFull("the "+header+" column of "+caption, th)
}

// firstRowInFull checks that every cell of the first row of the table
// captioned caption, but the empty ones, can be seen at once without a
// sideways scroll, once the page is scrolled down to the row.
func (tb *tab) firstRowInFull(caption string) {
	tb.t.Helper()
	cells := `([...document.querySelectorAll(".table-wrap")].find((w) => w.getAttribute("aria-label") === ` + jsString(caption) + `)?.querySelectorAll("tbody tr:first-child > *") || [])`
	var texts []string
	tb.run("read the first row of "+caption, present(cells+`[0] || null`), chromedp.Evaluate(`(() => { `+findJS+` return [...`+cells+`].map((c) => norm(c.textContent)); })()`, &texts))
	tb.scrollDownTo("the first row of "+caption, cells+`[0] || null`)
	for i, text := range texts {
		if text != "" {
			tb.inFull(fmt.Sprintf("%q (cell %d of the first row of %s)", text, i+1, caption), cells+`[`+strconv.Itoa(i)+`] || null`)
		}
	}
}
