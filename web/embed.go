// Package web holds vadesk's static frontend: plain HTML, CSS and JavaScript
// modules embedded in the binary, so no build step is needed to run or test
// it. The HTTP layer serves Static() at the site root.
package web

import (
	"embed"
	"io/fs"
)

// FS holds the files under static/, with that prefix in their names.
//
//go:embed static
var FS embed.FS

// Static returns the frontend files rooted at static/, so that "index.html"
// names static/index.html.
func Static() fs.FS {
	sub, err := fs.Sub(FS, "static")
	if err != nil {
		// fs.Sub fails only for an invalid path; "static" is a constant.
		panic("web: " + err.Error())
	}
	return sub
}
