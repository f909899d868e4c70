// Package afspraak holds the samenwerkingsafspraak (cooperation agreement) between organisations
// that work on one zaak: which organisation is responsible in which phase, which statuses and
// transitions there are, who records which zaak information in which phase, and who archives what.
//
// The agreement is a YAML file that records managers edit. This package parses it (keeping the
// line of every node so that errors point into the file), validates its structure, answers the
// questions the rest of the daemon asks of it, and renders it as tables for people and as JSON
// for clients. Rules that need reference data (the Selectielijst) live in package retention.
package afspraak
