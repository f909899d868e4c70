package afspraak

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"zaakarchief/configs"
)

// Fout is one problem in an agreement: where it is (the dotted path of the YAML node and its
// line) and what is wrong, in Dutch. A Warning does not stop the daemon from using the agreement.
type Fout struct {
	// File is the name the agreement was parsed under, e.g. "omgevingsvergunning.yaml".
	File string `json:"file,omitempty"`
	// Path is the dotted path of the node, e.g. "zaaktypen[0].statustypen[2].verantwoordelijke".
	Path string `json:"path"`
	// Line is the 1-based line of the node in File; 0 when unknown.
	Line    int    `json:"line,omitempty"`
	Msg     string `json:"msg"`
	Warning bool   `json:"warning,omitempty"`
}

// Error renders the Fout as FILE:LINE: PATH: MSG, with "waarschuwing: " before the path for a
// warning, and "regel LINE: " when the file is unknown.
func (f Fout) Error() string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(f.File)
		if f.Line > 0 {
			b.WriteString(":" + strconv.Itoa(f.Line))
		}
		b.WriteString(": ")
	} else if f.Line > 0 {
		b.WriteString("regel " + strconv.Itoa(f.Line) + ": ")
	}
	if f.Warning {
		b.WriteString("waarschuwing: ")
	}
	if f.Path != "" {
		b.WriteString(f.Path + ": ")
	}
	b.WriteString(f.Msg)
	return b.String()
}

// Fouten is the list of problems that made Parse refuse a file; its Error has one per line.
type Fouten []Fout

// Error lists every Fout, one per line.
func (fs Fouten) Error() string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = f.Error()
	}
	return strings.Join(s, "\n")
}

// Load reads and parses the agreement in the file at path. It does not validate it: call
// Validate for that.
func Load(path string) (*Afspraak, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("afspraak lezen: %w", err)
	}
	return Parse(data, path)
}

// LoadDefault parses the example agreement embedded in the binary (configs.DefaultAgreement).
func LoadDefault() (*Afspraak, error) {
	data, err := fs.ReadFile(configs.FS, configs.DefaultAgreement)
	if err != nil {
		return nil, fmt.Errorf("ingebouwde afspraak lezen: %w", err)
	}
	return Parse(data, configs.DefaultAgreement)
}

// Parse reads an agreement from YAML; name is the file name used in messages. Unknown keys,
// duplicate keys and values of the wrong kind are errors; Parse reports all of them at once as
// Fouten. It keeps the line of every node, so that Validate and Line can point into the file.
func Parse(data []byte, name string) (*Afspraak, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Fouten{{File: name, Msg: "de afspraak is leeg"}}
		}
		return nil, syntaxFout(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxFout(name, err)
		}
		return nil, Fouten{{File: name, Line: extra.Line, Msg: "meer dan één YAML-document; een afspraak is één document"}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	a := &Afspraak{bestand: name}
	d := &decoder{file: name, lines: map[string]int{}}
	if root.Kind != yaml.MappingNode {
		return nil, Fouten{{File: name, Line: root.Line, Msg: "de afspraak moet een mapping zijn met naam, versie, organisaties en zaaktypen, gevonden: " + kindName(root)}}
	}
	d.decode(root, reflect.ValueOf(a).Elem(), "", 0)
	if len(d.errs) > 0 {
		sortFouten(d.errs)
		return nil, d.errs
	}
	a.lines = d.lines
	return a, nil
}

// syntaxRe finds the line in a YAML syntax error such as "yaml: line 3: did not find expected key".
var syntaxRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxFout(name string, err error) error {
	if m := syntaxRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Fouten{{File: name, Line: line, Msg: "YAML-syntaxis: " + syntaxis(m[2])}}
	}
	return Fouten{{File: name, Msg: "YAML-syntaxis: " + syntaxis(strings.TrimPrefix(err.Error(), "yaml: "))}}
}

// ankerRe finds the name in the parser's message about an alias without its anchor.
var ankerRe = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// syntaxisNL translates the YAML parser's messages that someone editing an agreement by hand
// meets most; each key is the start of the parser's message.
func syntaxisNL() [][2]string {
	return [][2]string{
		{"mapping values are not allowed in this context", "een dubbele punt met een waarde is hier niet toegestaan; zet tekst met ': ' erin tussen aanhalingstekens"},
		{"mapping keys are not allowed in this context", "een sleutel is hier niet toegestaan; controleer het inspringen"},
		{"did not find expected key", "verwachtte een sleutel; controleer het inspringen"},
		{"could not find expected ':'", "verwachtte een ':' na de sleutel"},
		{"did not find expected '-' indicator", "verwachtte een lijstelement met '-'; controleer het inspringen"},
		{"block sequence entries are not allowed in this context", "een lijstelement ('-') is hier niet toegestaan; controleer het inspringen"},
		{"did not find expected ',' or ']'", "verwachtte ',' of ']' in een lijst tussen [ ]"},
		{"did not find expected ',' or '}'", "verwachtte ',' of '}' in een mapping tussen { }"},
		{"did not find expected node content", "verwachtte een waarde"},
		{"found character that cannot start any token", "een teken waarmee geen waarde kan beginnen (springt u in met een tab? YAML springt in met spaties; anders: zet de waarde tussen aanhalingstekens)"},
		{"found a tab character", "een tab in het inspringen; YAML springt in met spaties"},
		{"found unexpected end of stream", "onverwacht einde van het bestand; is een aanhalingsteken of haakje niet gesloten?"},
		{"found unknown escape character", "onbekende escape na een backslash tussen dubbele aanhalingstekens; gebruik enkele aanhalingstekens of schrijf \\\\"},
	}
}

// syntaxis returns the Dutch for a YAML parser message, or the message itself when it has none.
func syntaxis(msg string) string {
	if m := ankerRe.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("verwijzing *%s naar een anker &%s dat niet bestaat", m[1], m[1])
	}
	for _, t := range syntaxisNL() {
		if strings.HasPrefix(msg, t[0]) {
			return t[1]
		}
	}
	return msg
}

// Bestand returns the name the agreement was parsed under, for messages; empty for an agreement
// built in code.
func (a *Afspraak) Bestand() string { return a.bestand }

// Line returns the line in the source file of the node at path (a dotted path such as
// "zaaktypen[0].statustypen[2].verantwoordelijke"), or of its nearest ancestor that is in the
// file; 0 when nothing is known.
func (a *Afspraak) Line(path string) int {
	for {
		if l, ok := a.lines[path]; ok {
			return l
		}
		if path == "" {
			return 0
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			path = ""
		} else {
			path = path[:i]
		}
	}
}

// FoutBij returns an error at path, with the file and line filled in: for checks outside this
// package (package retention) that report in the same form.
func (a *Afspraak) FoutBij(path, format string, args ...any) Fout {
	return Fout{File: a.bestand, Path: path, Line: a.Line(path), Msg: fmt.Sprintf(format, args...)}
}

// WaarschuwingBij returns a warning at path, with the file and line filled in.
func (a *Afspraak) WaarschuwingBij(path, format string, args ...any) Fout {
	f := a.FoutBij(path, format, args...)
	f.Warning = true
	return f
}

// sortFouten orders problems by line, then by path, keeping the order of problems at one place.
func sortFouten(fs []Fout) {
	sort.SliceStable(fs, func(i, j int) bool { return voor(fs[i], fs[j]) })
}

// voor reports whether a comes before b in a list of problems: by line, then by path.
func voor(a, b Fout) bool {
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Path < b.Path
}

// maxAliasDepth bounds how deep YAML aliases may nest, against alias bombs.
const maxAliasDepth = 32

// decoder fills Go values from YAML nodes, recording the line of every path and every problem.
type decoder struct {
	file  string
	lines map[string]int
	errs  Fouten
}

func (d *decoder) errf(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, Fout{File: d.file, Path: path, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, aliases int) {
	if n.Kind == yaml.AliasNode {
		if aliases >= maxAliasDepth || n.Alias == nil {
			d.errf(n, path, "aliassen zijn te diep genest")
			return
		}
		d.decode(n.Alias, v, path, aliases+1)
		return
	}
	if _, ok := d.lines[path]; !ok && path != "" {
		d.lines[path] = n.Line
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // an empty value leaves the zero value
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		d.decode(n, nv.Elem(), path, aliases)
		v.Set(nv)
	case reflect.Struct:
		d.decodeStruct(n, v, path, aliases)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.errf(n, path, "verwacht een lijst, gevonden: %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.lines[p] = item.Line
			d.decode(item, s.Index(i), p, aliases)
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.errf(n, path, "verwacht een mapping (sleutel: waarde), gevonden: %s", kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		d.eachKey(n, path, func(key string, k, val *yaml.Node) {
			p := join(path, key)
			d.lines[p] = k.Line
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, ev, p, aliases)
			m.SetMapIndex(reflect.ValueOf(key), ev)
		})
		v.Set(m)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.errf(n, path, "verwacht tekst, gevonden: %s", kindName(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		i, err := strconv.Atoi(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil {
			d.errf(n, path, "verwacht een geheel getal, gevonden: %s", kindName(n))
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		switch {
		case n.Kind == yaml.ScalarNode && strings.EqualFold(n.Value, "true"):
			v.SetBool(true)
		case n.Kind == yaml.ScalarNode && strings.EqualFold(n.Value, "false"):
			v.SetBool(false)
		default:
			d.errf(n, path, "verwacht true of false, gevonden: %s", kindName(n))
		}
	default:
		panic(fmt.Sprintf("afspraak: cannot decode into %s", v.Type())) // a programming error in the types
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, aliases int) {
	if n.Kind != yaml.MappingNode {
		d.errf(n, path, "verwacht een mapping (sleutel: waarde), gevonden: %s", kindName(n))
		return
	}
	fields := yamlFields(v.Type())
	d.eachKey(n, path, func(key string, k, val *yaml.Node) {
		p := join(path, key)
		idx, ok := fields.index[key]
		if !ok {
			d.errf(k, p, "onbekende sleutel %q (toegestaan: %s)", key, strings.Join(fields.names, ", "))
			return
		}
		d.lines[p] = k.Line
		d.decode(val, v.Field(idx), p, aliases)
	})
}

// eachKey calls f for every key of a mapping node, refusing non-text keys, merge keys and
// duplicates.
func (d *decoder) eachKey(n *yaml.Node, path string, f func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errf(k, path, "een sleutel moet tekst zijn, gevonden: %s", kindName(k))
			continue
		}
		if k.Value == "<<" && k.Tag == "!!merge" {
			d.errf(k, path, "merge-sleutels (<<) worden niet ondersteund; schrijf de sleutels uit")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errf(k, join(path, k.Value), "sleutel %q komt al eerder voor (op regel %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		f(k.Value, k, val)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// kindName describes a node for an error message.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "een mapping"
	case yaml.SequenceNode:
		return "een lijst"
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	case yaml.AliasNode:
		return "een alias"
	default:
		return "niets"
	}
}

// structFields maps the YAML keys of a struct type to its field indexes.
type structFields struct {
	index map[string]int
	names []string
}

func yamlFields(t reflect.Type) structFields {
	sf := structFields{index: map[string]int{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		sf.index[name] = i
		sf.names = append(sf.names, name)
	}
	return sf
}
