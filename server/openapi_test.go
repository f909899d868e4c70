package server_test

import (
	"log/slog"
	"net/http"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"zaakarchief/server"
)

const testDocument = `openapi: 3.1.0
security:
  - bearer: []
paths:
  /healthz:
    get:
      security: []
  /metrics:
    get:
      security: []
  /zaken/{id}:
    parameters:
      - name: id
        in: path
    get:
      summary: one zaak
    post:
      security:
        - bearer: []
`

func TestOperationsReadsRoutesAndWhichArePublic(t *testing.T) {
	ops, err := server.Operations([]byte(testDocument))
	if err != nil {
		t.Fatal(err)
	}
	want := []server.Operation{{"GET /healthz", true}, {"GET /metrics", true}, {"GET /zaken/{id}", false}, {"POST /zaken/{id}", false}}
	if !slices.Equal(ops, want) {
		t.Errorf("Operations = %v, want %v", ops, want)
	}
	if _, err := server.Operations([]byte("paths: [")); err == nil {
		t.Error("a malformed document gives no error")
	}
}

func TestCheckOpenAPINamesEveryDifference(t *testing.T) {
	h := http.NotFoundHandler()
	tests := []struct {
		name   string
		routes []server.Route
		want   []string
	}{
		{"agree", []server.Route{server.NewRoute("GET /zaken/{id}", h), server.NewRoute("POST /zaken/{id}", h)}, nil},
		{"not served", []server.Route{server.NewRoute("GET /zaken/{id}", h)},
			[]string{"the document describes POST /zaken/{id} but the server does not serve it"}},
		{"not documented", []server.Route{server.NewRoute("GET /zaken/{id}", h), server.NewRoute("POST /zaken/{id}", h), server.NewRoute("DELETE /zaken/{id}", h)},
			[]string{"the server serves DELETE /zaken/{id} but the document does not describe it"}},
		{"public on the server only", []server.Route{{Method: "GET", Pattern: "/zaken/{id}", Handler: h, Public: true}, server.NewRoute("POST /zaken/{id}", h)},
			[]string{"GET /zaken/{id} is public false in the document but true on the server"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := server.New(nil, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
			s.Mount(tt.routes)
			diffs, err := s.CheckOpenAPI([]byte(testDocument))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(diffs, tt.want) {
				t.Errorf("CheckOpenAPI = %q, want %q", diffs, tt.want)
			}
		})
	}
}
