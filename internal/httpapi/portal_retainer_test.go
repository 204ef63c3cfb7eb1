package httpapi_test

import (
	"strings"
	"testing"

	"github.com/vadesk/vadesk/internal/apitest"
)

// A retained client sees this month's hours in the portal: included, used
// (after the client's rounding) and remaining — and never the VA's fee.
func TestPortalShowsRetainerHours(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Portal retainer")
	cl := apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Coach Carla", "rounding_minutes": 15}), "id")
	svc := apitest.ID(t, owner.Must(200, "GET", "/api/v1/services", nil)["items"].([]any)[0].(map[string]any), "id")

	inv := owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/portal-invites", cl), map[string]any{"email": "carla@coach.example", "name": "Carla"})
	res := acceptInvite(env, inv["token"], apitest.Password)
	if res.Status != 201 {
		t.Fatalf("accept: %d %s", res.Status, res.Body)
	}
	carla := secSession(t, env, res)

	if r := carla.do("GET", "/api/v1/portal/retainer", nil); r.Status != 200 || string(r.Body) != "{\"retainer\":null}\n" {
		t.Fatalf("no retainer yet: %d %s", r.Status, r.Body)
	}
	owner.Must(201, "POST", apitest.Path("/api/v1/clients/%d/retainers", cl), map[string]any{
		"name": "Coaching admin 10h", "included_minutes": 600, "fee": 90000, "overage_hourly_rate": 7000,
		"service_ids": []int64{svc}, "starts_on": "2026-11-01",
	})
	owner.Must(201, "POST", "/api/v1/time-entries", map[string]any{"client_id": cl, "service_id": svc, "started_at": "2026-11-02T08:00:00Z", "minutes": 50})

	r := carla.do("GET", "/api/v1/portal/retainer", nil)
	var body struct {
		Retainer *struct {
			Name             string `json:"name"`
			Period           string `json:"period"`
			IncludedMinutes  int64  `json:"included_minutes"`
			UsedMinutes      int64  `json:"used_minutes"`
			RemainingMinutes int64  `json:"remaining_minutes"`
		} `json:"retainer"`
	}
	r.JSON(t, &body)
	if body.Retainer == nil || body.Retainer.Period != "2026-11" || body.Retainer.IncludedMinutes != 600 ||
		body.Retainer.UsedMinutes != 60 || body.Retainer.RemainingMinutes != 540 {
		t.Fatalf("retainer: %s", r.Body)
	}
	for _, secret := range []string{"90000", "7000", "fee", "rate"} {
		if strings.Contains(string(r.Body), secret) {
			t.Errorf("portal retainer shows %q: %s", secret, r.Body)
		}
	}
}

// Issuing, voiding and payments land in the owner's audit log.
func TestInvoiceMoneyIsAudited(t *testing.T) {
	env := apitest.New(t)
	owner := env.NewPractice("Audited")
	cl := apitest.ID(t, owner.Must(201, "POST", "/api/v1/clients", map[string]any{"name": "Bright Bakery"}), "id")
	svc := apitest.ID(t, owner.Must(200, "GET", "/api/v1/services", nil)["items"].([]any)[0].(map[string]any), "id")
	owner.Must(201, "POST", "/api/v1/time-entries", map[string]any{"client_id": cl, "service_id": svc, "started_at": "2026-11-02T08:00:00Z", "minutes": 90})
	inv := apitest.ID(t, owner.Must(201, "POST", "/api/v1/invoices", map[string]any{"client_id": cl, "from": "2026-11-01", "to": "2026-11-30"}), "id")
	owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/issue", inv), nil)
	pay := owner.Must(201, "POST", apitest.Path("/api/v1/invoices/%d/payments", inv), map[string]any{"amount": 100, "date": "2026-11-03"})
	owner.Must(204, "DELETE", apitest.Path("/api/v1/invoices/%d/payments/%d", inv, apitest.ID(t, pay, "id")), nil)
	owner.Must(200, "POST", apitest.Path("/api/v1/invoices/%d/void", inv), nil)
	log := string(owner.Do("GET", "/api/v1/audit?action=", nil).Body)
	for _, action := range []string{"invoice.issued", "payment.recorded", "payment.deleted", "invoice.voided"} {
		if !strings.Contains(log, action) {
			t.Errorf("audit log lacks %s: %.500s", action, log)
		}
	}
}
