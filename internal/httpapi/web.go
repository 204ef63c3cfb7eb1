package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// AssetPrefix is where the UI's files are served under a version that
// changes with their content, so browsers may keep them for a year: a new
// release has a new version, hence new URLs. index.html names its assets as
// AssetPrefix + "dev/..." and the server rewrites "dev" to the version.
const AssetPrefix = "/assets/"

const (
	cacheImmutable   = "public, max-age=31536000, immutable"
	cacheRevalidate  = "no-cache"
	devAssetVersion  = "dev"
	indexName        = "index.html"
	contentTypeHTML  = "text/html; charset=utf-8"
	maxSPAPathLength = 2048
)

// site is the embedded UI loaded into memory once: it is small, and holding
// it lets every answer carry a strong ETag.
type site struct {
	version string
	files   map[string]siteFile
	index   siteFile
}

type siteFile struct {
	body []byte
	etag string
}

func newSiteFile(b []byte) siteFile {
	sum := sha256.Sum256(b)
	return siteFile{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// loadSite reads every file of web and derives the asset version from all
// their names and contents.
func loadSite(web fs.FS) (*site, error) {
	s := &site{files: map[string]siteFile{}}
	var names []string
	err := fs.WalkDir(web, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web, p)
		if err != nil {
			return err
		}
		s.files[p] = newSiteFile(b)
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("httpapi: load web files: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(s.files[n].body))
		h.Write(s.files[n].body)
	}
	s.version = hex.EncodeToString(h.Sum(nil))[:12]
	idx, ok := s.files[indexName]
	if !ok {
		return nil, fmt.Errorf("httpapi: load web files: no %s", indexName)
	}
	s.index = newSiteFile(bytes.ReplaceAll(idx.body,
		[]byte(AssetPrefix+devAssetVersion+"/"), []byte(AssetPrefix+s.version+"/")))
	return s, nil
}

// serveWeb serves the embedded UI:
//   - /assets/<version>/<file>: the file, cached for a year when the version
//     is the current one (an old or "dev" version still gets the current file,
//     but revalidated, so a page mid-upgrade keeps working);
//   - index.html at / and at any other path that is not a file and not under
//     /api (a deep link), always revalidated so a new release shows at once;
//   - other files by name, revalidated.
func serveWeb(e *echo.Echo, web fs.FS) {
	s, err := loadSite(web)
	if err != nil {
		panic(err) // the files are embedded at build time; this is a build bug
	}
	asset := func(c echo.Context) error {
		name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		f, ok := s.files[name]
		if !ok {
			return echo.ErrNotFound
		}
		cc := cacheRevalidate
		if c.Param("version") == s.version {
			cc = cacheImmutable
		}
		return s.send(c, name, f, cc)
	}
	page := func(c echo.Context) error {
		p := strings.TrimPrefix(path.Clean(c.Request().URL.Path), "/")
		if p == "api" || strings.HasPrefix(p, "api/") || strings.HasPrefix(p, "assets/") || len(p) > maxSPAPathLength {
			return echo.ErrNotFound
		}
		if p == "" || p == "." || p == indexName {
			return s.send(c, indexName, s.index, cacheRevalidate)
		}
		if f, ok := s.files[p]; ok {
			return s.send(c, p, f, cacheRevalidate)
		}
		if path.Ext(p) != "" {
			// A missing file (favicon.ico, an old script) is a 404, not the
			// app: a script tag must never receive HTML.
			return echo.ErrNotFound
		}
		return s.send(c, indexName, s.index, cacheRevalidate)
	}
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		e.Add(m, AssetPrefix+":version/*", asset)
		e.Add(m, "/", page)
		e.Add(m, "/*", page)
	}
}

// send writes one file; http.ServeContent answers HEAD, ranges and
// If-None-Match from the ETag.
func (s *site) send(c echo.Context, name string, f siteFile, cacheControl string) error {
	h := c.Response().Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", f.etag)
	if name == indexName {
		h.Set(echo.HeaderContentType, contentTypeHTML)
	}
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(f.body))
	return nil
}
