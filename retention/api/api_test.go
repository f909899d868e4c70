package api

import "testing"

func TestWantsHTMLFollowsTheAcceptHeader(t *testing.T) {
	for _, tc := range []struct {
		accept string
		html   bool
	}{
		{"", false},
		{"*/*", false},
		{"application/json", false},
		{"text/html", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
		{"application/json, text/html", false},
		{"application/json;q=0.5, text/html", true},
		{"text/html;q=0.1, application/json;q=0.2", false},
		{"application/xml", false},
	} {
		if got := wantsHTML(tc.accept); got != tc.html {
			t.Errorf("wantsHTML(%q) = %v, want %v", tc.accept, got, tc.html)
		}
	}
}
