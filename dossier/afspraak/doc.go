// Package afspraak holds the samenwerkingsafspraak (cooperation agreement) between organisations
// that work on one zaak: which organisation is responsible in which phase, which statuses and
// transitions there are, who records which zaak information in which phase, and who archives what.
//
// The agreement is a YAML file that records managers edit. This package parses it (keeping the
// line of every node so that errors point into the file), validates its structure, answers the
// questions the rest of the daemon asks of it, and renders it as tables for people and as JSON
// for clients.
//
// It owns: the agreement's types and YAML form (Parse, Load, LoadDefault); its structural rules
// (Validate, reporting every problem at once as a Fout with file and line); the questions the
// dossier service asks while a zaak runs (MagVastleggen, MagOvergang and the lookups); the
// ISO 8601 durations of the agreement (ParseDuur), added to dates the ZGW way.
//
// It does not own: rules that need reference data (the Selectielijst: does a
// selectielijstklasse exist, do nominatie and termijn match it), which live in package
// retention and report through FoutBij and WaarschuwingBij; nor enforcing the agreement on a
// dossier, which is package dossier's. It does no I/O beyond reading the agreement file.
package afspraak
