package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/renameio/v2"
)

// Kind is what an archived file holds: area tables, a population estimate
// or a lookup. (A run's failures also name pages and collections, which
// are no kind of archived file.)
type Kind string

// The kinds of archived file.
const (
	KindAreaTables Kind = "area-tables"
	KindPopulation Kind = "population"
	KindLookup     Kind = "lookup"
)

// Entry is one archived file as recorded in the manifest.
type Entry struct {
	SHA256    string `json:"sha256"`
	Kind      Kind   `json:"kind"`
	Period    string `json:"period,omitempty"` // "2019-20" for area tables, "2019" for population
	Filename  string `json:"filename"`         // original name
	URL       string `json:"url,omitempty"`    // where it was fetched from
	MediaType string `json:"media_type"`
	Bytes     int64  `json:"bytes"`
	AddedAt   string `json:"added_at"` // RFC 3339, UTC
	Path      string `json:"path"`     // relative to the archive root
	// Conditional-request validators and release metadata, when fetched.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	Title        string `json:"title,omitempty"`
	LandingURL   string `json:"landing_url,omitempty"`
	PublishedAt  string `json:"published_at,omitempty"`
	// Edition tells apart population files of one period that stand side
	// by side: ONS republishes estimates, and each release is an edition,
	// written as its date ("2019-06-26"). EditionFrom says where it came
	// from: "file" (the release date the file states), "option" (given
	// by the user) or "added" (the day it was added, when neither says).
	// An entry without one, archived before editions, is the edition of
	// the day it was added.
	Edition     string `json:"edition,omitempty"`
	EditionFrom string `json:"edition_from,omitempty"`
	// WithdrawnAt is when an operator withdrew the file (Change);
	// RelabelledFrom the period it was filed under before an operator
	// relabelled it, which its page or configuration may still give.
	WithdrawnAt    string `json:"withdrawn_at,omitempty"`
	RelabelledFrom string `json:"relabelled_from,omitempty"`
	// FinalURL is where URL led, when it redirected (a replaced
	// attachment's old link answers 301 to the new file).
	FinalURL string `json:"final_url,omitempty"`
}

// The values of Entry.EditionFrom.
const (
	EditionFromFile   = "file"
	EditionFromOption = "option"
	EditionFromAdded  = "added"
)

// EditionOf is the edition of a population entry and where it came from:
// its own, or for an entry archived before editions, the day it was added.
func EditionOf(e Entry) (edition, from string) {
	if e.Edition != "" {
		return e.Edition, e.EditionFrom
	}
	return strings.SplitN(e.AddedAt, "T", 2)[0], EditionFromAdded
}

// Manifest lists the archive's files in the order they were added.
type Manifest struct {
	Files []Entry `json:"files"`
	// Fetched remembers, per URL, the file last fetched from it and the
	// validators that make the next request conditional.
	Fetched map[string]FetchRecord `json:"fetched,omitempty"`
	// Changes lists the operators' amendments, oldest first.
	Changes []Change `json:"changes,omitempty"`
	// Pages remembers the collection's statistics pages (Page).
	Pages map[string]Page `json:"pages,omitempty"`
}

// isCurrent reports whether e is the file a rebuild loads for its kind and
// period: the last added (every lookup is current).
func (m *Manifest) isCurrent(e Entry) bool {
	if e.Withdrawn() {
		return false
	}
	if e.Kind == KindLookup {
		return true
	}
	i, ok := m.lastAdded()[periodKey(e)]
	return ok && m.Files[i].SHA256 == e.SHA256
}

// Archive is the raw layer: every input file, stored once under its sha256,
// plus a manifest. A rebuild reads nothing else.
type Archive struct {
	Dir string
	// Now is the clock for AddedAt and for dating checks; tests pin it.
	Now func() time.Time
}

// ErrCorrupt reports an archived file whose bytes no longer match its hash.
var ErrCorrupt = errors.New("archived file does not match its sha256")

// Open returns the archive rooted at dir, creating it if needed.
func Open(dir string) (*Archive, error) {
	for _, d := range []string{dir, filepath.Join(dir, "files"), filepath.Join(dir, "rejected")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("open archive %s: %w", dir, err)
		}
	}
	removeStaleIncoming(dir)
	return &Archive{Dir: dir, Now: time.Now}, nil
}

// removeStaleIncoming deletes staging files left by a process killed mid
// download. Only day-old ones: a younger one may belong to a live process
// writing through another database's lock.
func removeStaleIncoming(dir string) {
	stale, _ := filepath.Glob(filepath.Join(dir, ".incoming-*"))
	for _, p := range stale {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
			os.Remove(p)
		}
	}
}

// lockName is the archive's writer lock file (see Archive.lock). It sits
// at the top level, outside files/, and is never in the manifest; it is
// created by the first writer, so an archive only ever read has none.
const lockName = ".lock"

func (a *Archive) manifestPath() string { return filepath.Join(a.Dir, "manifest.json") }

// Manifest reads the manifest; a new archive has an empty one.
func (a *Archive) Manifest() (*Manifest, error) {
	b, err := os.ReadFile(a.manifestPath())
	if errors.Is(err, os.ErrNotExist) {
		return &Manifest{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read archive manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read archive manifest %s: %w", a.manifestPath(), err)
	}
	return &m, nil
}

// writeManifest replaces the manifest atomically (temp file, fsync, rename),
// so a crash leaves either the old or the new manifest, never a torn one.
func (a *Archive) writeManifest(m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return renameio.WriteFile(a.manifestPath(), append(b, '\n'), 0o644)
}

// Current returns the files a rebuild loads: for area tables the last added
// file of each period (a restated year replaces the earlier one), for
// population the last of each period and edition; every lookup; never a
// withdrawn file.
func (m *Manifest) Current() []Entry {
	last := m.lastAdded()
	var out []Entry
	for i, e := range m.Files {
		if e.Withdrawn() {
			continue
		}
		if e.Kind == KindLookup || last[periodKey(e)] == i {
			out = append(out, e)
		}
	}
	return out
}

// Loadable returns what a rebuild loads, in the order the files entered
// the archive: every vintage of each year's area tables (each file added
// for the year, not withdrawn, in the order added, the current one last),
// and the current population files and every lookup.
func (m *Manifest) Loadable() []Entry {
	current := map[string]bool{}
	for _, e := range m.Current() {
		current[e.SHA256+"\x00"+e.AddedAt] = true
	}
	var out []Entry
	for _, e := range m.Files {
		if !e.Withdrawn() && (e.Kind == KindAreaTables || current[e.SHA256+"\x00"+e.AddedAt]) {
			out = append(out, e)
		}
	}
	return out
}

// lastAdded maps each area-tables or population period to the index of
// the file added last for it: the current one.
func (m *Manifest) lastAdded() map[string]int {
	last := map[string]int{}
	for i, e := range m.Files {
		if e.Kind != KindLookup && !e.Withdrawn() {
			last[periodKey(e)] = i
		}
	}
	return last
}

// periodKey is what a later file replaces: the kind and period, and for a
// population file its edition, since editions stand side by side.
func periodKey(e Entry) string {
	key := string(e.Kind) + "\x00" + e.Period
	if e.Kind == KindPopulation {
		ed, _ := EditionOf(e)
		key += "\x00" + ed
	}
	return key
}

// Find returns the entry with the given hash.
func (m *Manifest) Find(sha string) (Entry, bool) {
	for _, e := range m.Files {
		if e.SHA256 == sha {
			return e, true
		}
	}
	return Entry{}, false
}

// Open opens an archived file after checking that its bytes still match
// their hash, and returns it at offset 0. The one open serves the check
// and the parse that follows (whose second read comes from the page cache);
// the caller closes it.
func (a *Archive) Open(e Entry) (*os.File, error) {
	f, err := os.Open(filepath.Join(a.Dir, filepath.FromSlash(e.Path)))
	if err != nil {
		return nil, fmt.Errorf("archived %s %s: %w", e.Kind, e.Filename, err)
	}
	sum, err := hashReader(f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("archived %s %s: %w", e.Kind, e.Filename, err)
	}
	if sum != e.SHA256 {
		f.Close()
		return nil, fmt.Errorf("archived %s %s (%s): %w (now %s)", e.Kind, e.Filename, e.Path, ErrCorrupt, sum)
	}
	return f, nil
}

func hashReader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// maxNameBytes bounds an archived file's recorded name (and the rejected/
// file named after it): well under the 255-byte limit of common file
// systems once a timestamp and hash prefix are added.
const maxNameBytes = 120

// safeName reduces a file name from outside (a URL, an attachment's
// filename, a command-line path) to a harmless base name: no directories
// ("../../x", "/etc/passwd", "..\\x"), no control characters or NUL, valid
// UTF-8 cut at a character boundary. Archived bytes are stored under their
// sha256 whatever the name; the name is only for people.
func safeName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' {
			return '_'
		}
		return r
	}, name)
	if len(name) > maxNameBytes {
		// Keep a short extension: people and tools read the type from it.
		ext := filepath.Ext(name)
		if len(ext) > 8 {
			ext = ""
		}
		cut := maxNameBytes - len(ext)
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + ext
	}
	if name == "." || name == ".." || name == "" {
		name = "file"
	}
	return name
}
