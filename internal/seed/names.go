package seed

import (
	"fmt"
	"math/rand/v2"
)

// The word lists below make generated practices read like real ones: the
// clients a VA has (agents, coaches, shops), and the notes a VA writes.

var firstNames = []string{
	"Dana", "Carla", "Priya", "Marcus", "Sofia", "Liam", "Aisha", "Tom", "Mei", "Jonas",
	"Elena", "Kwame", "Hannah", "Diego", "Zoë", "Oskar", "Fatima", "Noah", "Ingrid", "Rafael",
	"Chloé", "Tariq", "Greta", "Sam", "Yuki", "Amara", "Lukas", "Nadia", "Owen", "Rosa",
}

var lastNames = []string{
	"Reyes", "Mendes", "Okafor", "Lindqvist", "Patel", "O'Brien", "Nakamura", "Schmidt", "Haddad", "Kowalski",
	"García", "Andersen", "Nguyen", "Moreau", "Adeyemi", "Fischer", "Rossi", "Dubois", "Walsh", "Santos",
	"Kim", "Novak", "Brennan", "Costa", "Larsen", "Ibrahim", "Weber", "Silva", "Murphy", "Łukasiewicz",
}

var adjectives = []string{
	"Bright", "Golden", "Little", "Blue Door", "Harbor", "Maple", "Sunrise", "Evergreen", "Copper", "Willow",
	"North Star", "Juniper", "Cedar", "Silver Lake", "Red Fern", "Bayside", "Hilltop", "Wildflower", "Oak & Iron", "Lantern",
}

// industry is a kind of client with how its names are made.
type industry struct {
	name  string
	names []string // patterns: %[1]s first name, %[2]s last name, %[3]s adjective
}

var industries = []industry{
	{"real estate", []string{"%[1]s %[2]s Realty", "%[2]s Property Group", "%[3]s Homes", "%[1]s %[2]s, Realtor"}},
	{"coaching", []string{"Coach %[1]s %[2]s", "%[1]s %[2]s Coaching", "%[3]s Life Coaching", "%[2]s Leadership"}},
	{"small business", []string{"%[3]s Bakery", "%[3]s Florist", "%[2]s & Sons Plumbing", "%[3]s Yoga Studio", "%[3]s Café"}},
	{"e-commerce", []string{"%[3]s Goods Co.", "%[3]s Candles", "%[2]s Ceramics", "%[3]s Pet Supply"}},
	{"professional services", []string{"%[2]s Legal", "%[2]s & %[1]s Accounting", "%[3]s Consulting", "%[2]s Architects"}},
	{"nonprofit", []string{"%[3]s Futures Foundation", "%[3]s Community Trust", "Friends of %[3]s Park"}},
}

// clientName makes a client name of an industry.
func clientName(r *rand.Rand, ind industry) string {
	pat := ind.names[r.IntN(len(ind.names))]
	return fmt.Sprintf(pat, pick(r, firstNames), pick(r, lastNames), pick(r, adjectives))
}

// notes are what a VA writes on an entry, by service name. Services not
// listed use generalNotes.
var notes = map[string][]string{
	"Email and inbox management": {
		"Inbox triage and replies", "Cleared inbox, updated filters and labels", "Replied to buyer enquiries",
		"Drafted and scheduled the newsletter", "Followed up on unanswered threads", "Sorted receipts out of the inbox",
	},
	"Website updates": {
		"Updated the listings page", "Plugin updates and backup", "Fixed broken links on the blog",
		"Formatted and published this week's post", "New testimonial section on the home page", "Updated prices on the shop",
	},
	"Social media management": {
		"Scheduled next week's posts", "Instagram stories and replies to comments", "Canva graphics for the launch",
		"Monthly analytics summary", "Reels captions and hashtags", "Answered DMs and community questions",
	},
	"Project management": {
		"Weekly planning call", "Updated the Asana board", "Followed up with vendors",
		"Launch checklist review", "Coordinated the photographer and stager", "Status update for the team",
	},
	"Administrative support": {
		"Calendar management and rescheduling", "Booked travel for the conference", "Filed receipts and contracts",
		"Prepared meeting notes", "Data entry in the CRM", "Sent client onboarding packet",
	},
	"Bookkeeping support": {
		"Reconciled last week's transactions", "Sent invoice reminders", "Categorised expenses for the quarter",
	},
}

var generalNotes = []string{"General support", "Quick fixes and follow-ups", "Research and summary"}

var internalNotes = []string{
	"Took longer: login problems", "Client asked for this by phone", "Check rate next month",
	"Waiting on assets from the client", "Part of the spring campaign",
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func noteFor(r *rand.Rand, service string) string {
	if ns, ok := notes[service]; ok {
		return pick(r, ns)
	}
	return pick(r, generalNotes)
}
