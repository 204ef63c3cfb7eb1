package httpapi_test

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vadesk/vadesk/internal/apitest"
	"github.com/vadesk/vadesk/internal/httpapi"
	"github.com/vadesk/vadesk/web"
)

// webServer is the router with a web UI mounted, over a real store.
func webServer(t *testing.T, files fs.FS) http.Handler {
	t.Helper()
	env := apitest.New(t)
	return httpapi.New(httpapi.Deps{Config: env.Config, Store: env.Store, Services: env.Services,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: env.Clock.Now, Web: files})
}

func fetch(t *testing.T, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func testSite(css string) fstest.MapFS {
	return fstest.MapFS{
		"index.html": {Data: []byte(`<!doctype html><link rel="stylesheet" href="/assets/dev/app.css"><script type="module" src="/assets/dev/js/app.js"></script>`)},
		"app.css":    {Data: []byte(css)},
		"js/app.js":  {Data: []byte(`import "./x.js";`)},
		"js/x.js":    {Data: []byte(`export const x = 1;`)},
	}
}

var versionRE = regexp.MustCompile(`/assets/([0-9a-f]{12})/app\.css`)

func assetVersion(t *testing.T, h http.Handler) string {
	t.Helper()
	w := fetch(t, h, http.MethodGet, "/")
	m := versionRE.FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("index.html names no versioned stylesheet: %s", w.Body)
	}
	return m[1]
}

func TestWebServesVersionedAssetsWithLongCache(t *testing.T) {
	h := webServer(t, testSite("body{}"))
	v := assetVersion(t, h)

	tests := []struct {
		name, path, cache, ctype string
		status                   int
	}{
		{"index at the root", "/", "no-cache", "text/html", 200},
		{"index by name", "/index.html", "no-cache", "text/html", 200},
		{"a deep link gets the app", "/clients/5", "no-cache", "text/html", 200},
		{"versioned stylesheet", "/assets/" + v + "/app.css", "public, max-age=31536000, immutable", "text/css", 200},
		{"versioned module", "/assets/" + v + "/js/x.js", "public, max-age=31536000, immutable", "javascript", 200},
		{"an old version is served but revalidated", "/assets/0123456789ab/app.css", "no-cache", "text/css", 200},
		{"the unversioned file is revalidated", "/app.css", "no-cache", "text/css", 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := fetch(t, h, http.MethodGet, tc.path)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			if got := w.Header().Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
			if got := w.Header().Get("Content-Type"); !strings.Contains(got, tc.ctype) {
				t.Errorf("Content-Type %q, want %s", got, tc.ctype)
			}
			if w.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q must allow scripts from self only", csp)
			}
		})
	}

	t.Run("index names the current version, never dev", func(t *testing.T) {
		body := fetch(t, h, http.MethodGet, "/").Body.String()
		if strings.Contains(body, "/assets/dev/") || !strings.Contains(body, "/assets/"+v+"/js/app.js") {
			t.Errorf("index.html: %s", body)
		}
	})
	t.Run("revalidation answers 304", func(t *testing.T) {
		for _, p := range []string{"/", "/assets/" + v + "/app.css"} {
			etag := fetch(t, h, http.MethodGet, p).Header().Get("ETag")
			if w := fetch(t, h, http.MethodGet, p, "If-None-Match", etag); w.Code != http.StatusNotModified {
				t.Errorf("%s with If-None-Match: status %d, want 304", p, w.Code)
			}
		}
	})
	t.Run("HEAD answers headers only", func(t *testing.T) {
		w := fetch(t, h, http.MethodHead, "/")
		if w.Code != 200 || w.Body.Len() != 0 {
			t.Errorf("HEAD /: status %d, %d body bytes", w.Code, w.Body.Len())
		}
	})
}

func TestWebNotFound(t *testing.T) {
	h := webServer(t, testSite("body{}"))
	v := assetVersion(t, h)
	for _, p := range []string{"/missing.js", "/assets/" + v + "/missing.css", "/assets/" + v + "/../../etc/passwd", "/api/v1/no-such-thing", "/api"} {
		t.Run(p, func(t *testing.T) {
			w := fetch(t, h, http.MethodGet, p)
			if w.Code != http.StatusNotFound {
				t.Fatalf("status %d, want 404; body %.200s", w.Code, w.Body)
			}
			if strings.Contains(w.Body.String(), "<!doctype html>") {
				t.Error("a missing file must not be answered with the app's HTML")
			}
		})
	}
}

func TestWebVersionFollowsContent(t *testing.T) {
	a := assetVersion(t, webServer(t, testSite("body{color:red}")))
	b := assetVersion(t, webServer(t, testSite("body{color:blue}")))
	c := assetVersion(t, webServer(t, testSite("body{color:red}")))
	if a == b {
		t.Errorf("changed CSS kept version %s", a)
	}
	if a != c {
		t.Errorf("the same files gave versions %s and %s", a, c)
	}
}

var (
	assetRefRE  = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`)
	jsImportRE  = regexp.MustCompile(`(?m)^\s*import\s+(?:[^"']*?\s+from\s+)?["'](\.[^"']+)["']`)
	jsDynamicRE = regexp.MustCompile(`import\(\s*["'](\.[^"']+)["']\s*\)`)
)

// The embedded app's page, stylesheet and whole module graph load from the
// server: every asset index.html names, and every module those import.
func TestEmbeddedWebAppLoads(t *testing.T) {
	h := webServer(t, web.Static())
	index := fetch(t, h, http.MethodGet, "/").Body.String()
	var queue []string
	for _, m := range assetRefRE.FindAllStringSubmatch(index, -1) {
		queue = append(queue, m[1])
	}
	if len(queue) < 2 {
		t.Fatalf("index.html names %d assets: %s", len(queue), index)
	}
	seen := map[string]bool{}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		w := fetch(t, h, http.MethodGet, u)
		if w.Code != http.StatusOK {
			t.Errorf("%s: status %d", u, w.Code)
			continue
		}
		if w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", u, w.Header().Get("Cache-Control"))
		}
		if !strings.HasSuffix(u, ".js") {
			continue
		}
		if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
			t.Errorf("%s: Content-Type %q; browsers refuse modules that are not JavaScript", u, ct)
		}
		body := w.Body.String()
		if strings.Contains(body, "eval(") || strings.Contains(body, "new Function(") {
			t.Errorf("%s uses eval, which the CSP forbids", u)
		}
		for _, re := range []*regexp.Regexp{jsImportRE, jsDynamicRE} {
			for _, m := range re.FindAllStringSubmatch(body, -1) {
				queue = append(queue, path.Join(path.Dir(u), m[1]))
			}
		}
	}
	if len(seen) < 5 {
		t.Errorf("only %d assets reachable from index.html", len(seen))
	}
}
