// Package e2e holds vadesk's browser tests: they start the real server with
// a fresh database, drive the embedded web app in headless Chromium through
// chromedp, and go through the journeys a VA and their client take — set
// up, log in, add a client and a rate, run the timer, bill the work, get
// paid, and look at it all from the client portal, on a desktop and at
// phone width. The tests find fields by their labels and buttons by their
// names, as a person would.
//
// Without Chromium the tests skip, loudly; with VADESK_E2E=required (as in
// CI) they fail instead. VADESK_CHROMIUM names the browser binary;
// VADESK_E2E_SCREENSHOTS names the folder for the screenshots (a temporary
// one otherwise; the test prints where).
package e2e
