package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Validator checks a staged file before it enters the archive; it returns
// what to record of it. A file that fails is set aside, not archived.
type Validator func(path string) (Validated, error)

// Validated is what a Validator found in a file it accepted.
type Validated struct {
	MediaType string
	// Period is the period the file was read as, normalised ("2019/20"
	// typed is "2019-20"), or taken from the file when none was given.
	Period string
	// Edition and EditionFrom, for a population file (Entry.Edition).
	Edition, EditionFrom string
}

// AddResult says what Add did.
type AddResult struct {
	Entry Entry
	// Added is false when the same bytes were already archived and current
	// for their period: a no-op. It is true for new bytes, and for an older
	// file added again, which becomes current again (a reverted restatement).
	Added bool
	// Rejected is where a file that failed validation was set aside.
	Rejected string
}

// Add copies src into the archive under its sha256 once validate accepts
// it, and records it in the manifest. A file that fails is set aside in
// rejected/ for the operator to inspect.
func (a *Archive) Add(e Entry, src io.Reader, validate Validator) (AddResult, error) {
	return a.add(e, src, validate, true)
}

// AddFetched is Add for the files of an unattended run, downloaded or
// configured, except that it keeps nothing of a file that fails: its
// source is still upstream or on disk, and a scheduler retrying daily must
// not fill the disk with copies. (Both remember e.URL's validators, e.ETag
// and e.LastModified, for the next conditional request.)
func (a *Archive) AddFetched(e Entry, src io.Reader, validate Validator) (AddResult, error) {
	return a.add(e, src, validate, false)
}

// add stages the file in the archive directory, so the final rename cannot
// cross file systems, and only then decides whether to keep it. Staging
// and validating happen outside the archive's lock: a download or a parse
// can take minutes, and every other writer would wait for it. The lock
// covers the manifest's read-modify-write, which is milliseconds.
func (a *Archive) add(e Entry, src io.Reader, validate Validator, quarantine bool) (AddResult, error) {
	e.Filename = safeName(e.Filename)
	tmp, err := a.stage(&e, src)
	if err != nil {
		return AddResult{}, fmt.Errorf("archive %s: %w", e.Filename, err)
	}
	defer os.Remove(tmp)

	// Bytes already archived are not validated again. Entries are only
	// ever appended, so bytes archived now are still archived under the
	// lock; bytes new now may have been added by another writer meanwhile,
	// which the locked read below finds.
	m, err := a.Manifest()
	if err != nil {
		return AddResult{}, err
	}
	validated := false
	if _, ok := m.Find(e.SHA256); !ok {
		if res, err := a.check(tmp, &e, validate, quarantine); err != nil {
			return res, err
		}
		validated = true
	}

	unlock, err := a.lock()
	if err != nil {
		return AddResult{}, fmt.Errorf("archive %s: %w", e.Filename, err)
	}
	defer unlock()
	if m, err = a.Manifest(); err != nil {
		return AddResult{}, err
	}
	if prev, ok := m.Find(e.SHA256); ok {
		return a.addAgain(m, prev, e, quarantine)
	}
	if !validated { // cannot happen while entries are only appended
		if res, err := a.check(tmp, &e, validate, quarantine); err != nil {
			return res, err
		}
	}
	e.AddedAt = a.addedAt()
	e.Path = "files/" + e.SHA256 + extension(e.Filename)
	if err := os.Rename(tmp, filepath.Join(a.Dir, filepath.FromSlash(e.Path))); err != nil {
		return AddResult{}, fmt.Errorf("archive %s: %w", e.Filename, err)
	}
	if err := syncDir(filepath.Join(a.Dir, "files")); err != nil {
		return AddResult{}, fmt.Errorf("archive %s: %w", e.Filename, err)
	}
	m.Files = append(m.Files, e)
	m.remember(e)
	if err := a.writeManifest(m); err != nil {
		return AddResult{}, fmt.Errorf("archive %s: write manifest: %w", e.Filename, err)
	}
	return AddResult{Entry: e, Added: true}, nil
}

// stage copies src to a staging file in the archive directory, fsynced,
// and records its hash and size in e.
func (a *Archive) stage(e *Entry, src io.Reader) (string, error) {
	tmp, err := os.CreateTemp(a.Dir, ".incoming-*")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	e.SHA256, e.Bytes = hex.EncodeToString(h.Sum(nil)), n
	return tmp.Name(), nil
}

// check validates a staged file and records its media type in e. A file
// that fails is set aside in rejected/ when quarantine is set.
func (a *Archive) check(tmp string, e *Entry, validate Validator, quarantine bool) (AddResult, error) {
	v, verr := validate(tmp)
	if verr == nil {
		e.MediaType, e.Edition, e.EditionFrom = v.MediaType, v.Edition, v.EditionFrom
		if v.Period != "" {
			e.Period = v.Period
		}
		return AddResult{}, nil
	}
	if !quarantine {
		return AddResult{Entry: *e}, verr
	}
	where, err := a.reject(tmp, *e, verr)
	if err != nil {
		return AddResult{}, fmt.Errorf("%w (and setting it aside failed: %v)", verr, err)
	}
	return AddResult{Entry: *e, Rejected: where}, verr
}

// addAgain records bytes already archived as prev: an error if they were
// archived as something else; an older file added again (upstream
// reverted a restatement) becomes current again, as a new file would. Its
// URL's validators are remembered either way. The caller holds the lock.
//
// A withdrawn file stays withdrawn when a run fetches it again (byHand
// false); added again by hand it is reinstated, and the manifest records
// that. A relabelled file given under its old period (its page still
// says so) keeps the period the operator gave it.
func (a *Archive) addAgain(m *Manifest, prev, e Entry, byHand bool) (AddResult, error) {
	if e.Period == "" || (prev.RelabelledFrom != "" && e.Period == prev.RelabelledFrom) {
		e.Period = prev.Period // "": added as the period it states, read when it first came
	}
	amended := false
	if prev.Withdrawn() && prev.Kind == e.Kind && prev.Period == e.Period {
		if !byHand {
			return AddResult{Entry: prev}, nil
		}
		for i := range m.Files {
			if m.Files[i].SHA256 == prev.SHA256 {
				m.Files[i].WithdrawnAt = ""
			}
		}
		m.Changes = append(m.Changes, Change{At: a.addedAt(), By: Operator(), Action: ActionReinstate, SHA256: prev.SHA256})
		prev.WithdrawnAt, amended = "", true
	}
	if prev.Kind != e.Kind || prev.Period != e.Period {
		return AddResult{Entry: prev}, fmt.Errorf("archive %s: the same bytes are already archived as %s %s (%s); if that is wrong: mappa archive relabel %s PERIOD",
			e.Filename, prev.Kind, prev.Period, prev.Filename, short(prev.SHA256))
	}
	// An edition asked for must be the one archived; none asked for
	// keeps it.
	if ed, _ := EditionOf(prev); e.Edition != "" && e.Edition != ed {
		return AddResult{Entry: prev}, fmt.Errorf("archive %s: the same bytes are already archived as %s %s, edition %s (%s)", e.Filename, prev.Kind, prev.Period, ed, prev.Filename)
	}
	e.Edition, e.EditionFrom, e.RelabelledFrom = prev.Edition, prev.EditionFrom, prev.RelabelledFrom
	reinstated := !m.isCurrent(prev)
	if reinstated {
		e.MediaType, e.Path, e.AddedAt = prev.MediaType, prev.Path, a.addedAt()
		m.Files = append(m.Files, e)
	}
	if m.remember(e) || reinstated || amended {
		if err := a.writeManifest(m); err != nil {
			return AddResult{}, fmt.Errorf("archive %s: write manifest: %w", e.Filename, err)
		}
	}
	if reinstated {
		return AddResult{Entry: e, Added: true}, nil
	}
	return AddResult{Entry: prev, Added: amended}, nil
}

// lock takes the archive's writer lock, an flock on .lock at its top
// level, and returns its release. Every writer of the manifest holds it
// from reading the manifest to writing it back: the database's lock does
// not cover the archive, which several databases may share. It waits
// rather than giving up, unlike the database's lock, because what it
// covers is a manifest read, a rename and a write, not a download; and a
// writer that dies releases it with its process, so none waits on a
// crashed one. Readers need no lock: the manifest is replaced atomically.
func (a *Archive) lock() (unlock func(), err error) {
	fl := flock.New(filepath.Join(a.Dir, lockName))
	if err := fl.Lock(); err != nil {
		return nil, fmt.Errorf("lock %s: %w", fl.Path(), err)
	}
	return func() { fl.Unlock() }, nil
}

// addedAt is the time an entry is added, as the manifest records it.
func (a *Archive) addedAt() string { return a.Now().UTC().Format(time.RFC3339) }

// reject moves a staged file to rejected/ beside a note of why.
func (a *Archive) reject(tmp string, e Entry, why error) (string, error) {
	base := a.Now().UTC().Format("20060102T150405Z") + "-" + e.SHA256[:12] + "-" + e.Filename
	dst := filepath.Join(a.Dir, "rejected", base)
	if err := os.Rename(tmp, dst); err != nil {
		return "", err
	}
	note := fmt.Sprintf("kind: %s\nperiod: %s\nfile: %s\nsha256: %s\nerror: %v\n", e.Kind, e.Period, e.Filename, e.SHA256, why)
	return dst, os.WriteFile(dst+".error.txt", []byte(note), 0o644)
}

func extension(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	for _, ok := range []string{".xlsx", ".xls", ".ods", ".csv"} {
		if ext == ok {
			return ext
		}
	}
	return ""
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
