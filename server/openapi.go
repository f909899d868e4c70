package server

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Operation is one operation of an OpenAPI document: its route ("GET /api/v1/zaken") and
// whether it is public, i.e. says security: [].
type Operation struct {
	Route  string
	Public bool
}

// Operations returns the operations of an OpenAPI 3 document, sorted by route.
func Operations(openapi []byte) ([]Operation, error) {
	var doc struct {
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openapi, &doc); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	var ops []Operation
	for path, item := range doc.Paths {
		for method, node := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options":
			default:
				continue // parameters, summary and the like
			}
			var op struct {
				Security *[]any `yaml:"security"`
			}
			if err := node.Decode(&op); err != nil {
				return nil, fmt.Errorf("openapi document: %s %s: %w", method, path, err)
			}
			ops = append(ops, Operation{Route: strings.ToUpper(method) + " " + path, Public: op.Security != nil && len(*op.Security) == 0})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Route < ops[j].Route })
	return ops, nil
}

// CheckOpenAPI compares the routes registered on s with the operations of an OpenAPI document
// and returns one line per difference: a route served but not documented, an operation
// documented but not served, and a route public on one side only. None means they agree.
func (s *Server) CheckOpenAPI(openapi []byte) ([]string, error) {
	ops, err := Operations(openapi)
	if err != nil {
		return nil, err
	}
	var diffs []string
	documented := map[string]bool{}
	for _, op := range ops {
		documented[op.Route] = true
		public, served := s.public[op.Route]
		switch {
		case !served:
			diffs = append(diffs, fmt.Sprintf("the document describes %s but the server does not serve it", op.Route))
		case public != op.Public:
			diffs = append(diffs, fmt.Sprintf("%s is public %v in the document but %v on the server", op.Route, op.Public, public))
		}
	}
	for _, r := range s.Routes() {
		if !documented[r] {
			diffs = append(diffs, fmt.Sprintf("the server serves %s but the document does not describe it", r))
		}
	}
	slices.Sort(diffs)
	return diffs, nil
}
