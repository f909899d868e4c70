package zgw

import "testing"

func TestMarkeerOngeldigeTekst(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"valid text stays", `{"titel": "café \ud83d\ude00 \\ud800 \"x\""}`, `{"titel": "café \ud83d\ude00 \\ud800 \"x\""}`},
		{"invalid byte", "{\"titel\": \"Caf\xe9\"}", "{\"titel\": \"Caf\uFFFE\"}"},
		{"truncated sequence at the end", "{\"titel\": \"a\xc3", "{\"titel\": \"a\uFFFE"},
		{"lone high surrogate", `{"titel": "a\ud800b"}`, `{"titel": "a\ufffeb"}`},
		{"lone low surrogate", `{"titel": "\udc00"}`, `{"titel": "\ufffe"}`},
		{"high surrogate before a non-surrogate", `{"titel": "\ud800\u0041"}`, `{"titel": "\ufffe\u0041"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(markeerOngeldigeTekst([]byte(c.in))); got != c.want {
				t.Errorf("markeerOngeldigeTekst(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
