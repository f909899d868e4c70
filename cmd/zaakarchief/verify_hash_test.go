package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestExportVerifyPrintsTheChainsLastHashThatAuditVerifyConfirms: export verify prints where
// the export's audit chain ends and with which hash, and the command it names, audit verify
// --zaak --volgnummer on the system, prints the same hash; a volgnummer the zaak does not have is
// an error.
func TestExportVerifyPrintsTheChainsLastHashThatAuditVerifyConfirms(t *testing.T) {
	data, zaak, auditor := exportSeed(t)
	out := filepath.Join(t.TempDir(), "dossier.zip")
	if r := cli(t, "export", "--data", data, "--token", auditor, "--zaak", zaak, "--out", out); r.code != 0 {
		t.Fatalf("export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	v := cli(t, "export", "verify", out)
	if v.code != 0 || !strings.Contains(v.stdout, "documents matching payload, MDTO and audit chain") {
		t.Fatalf("export verify: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}
	m := regexp.MustCompile(`audit chain ends at volgnummer (\d+) with hash ([0-9a-f]{64}): compare it with the system \(zaakarchief audit verify --zaak (\S+) --volgnummer (\d+)\)`).FindStringSubmatch(v.stdout)
	if m == nil || m[3] != zaak || m[1] != m[4] {
		t.Fatalf("export verify does not print the chain's last hash and how to compare it:\n%s", v.stdout)
	}
	a := cli(t, "audit", "verify", "--data", data, "--zaak", zaak, "--volgnummer", m[1])
	if a.code != 0 || !strings.Contains(a.stdout, "zaak "+zaak+": audit chain at volgnummer "+m[1]+" ") || !strings.Contains(a.stdout, "has hash "+m[2]) {
		t.Fatalf("audit verify --zaak does not confirm hash %s at %s: exit %d\n%s%s", m[2], m[1], a.code, a.stdout, a.stderr)
	}
	if a := cli(t, "audit", "verify", "--data", data, "--zaak", zaak, "--volgnummer", "99999"); a.code != 1 || !strings.Contains(a.stderr, "geen audit entry met volgnummer 99999") {
		t.Errorf("audit verify of a volgnummer the zaak lacks: exit %d\n%s%s", a.code, a.stdout, a.stderr)
	}
}
