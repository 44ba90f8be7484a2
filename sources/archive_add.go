package sources

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Validator checks a staged file before it enters the archive; it returns
// the media type to record. A file that fails is set aside, not archived.
type Validator func(path string) (mediaType string, err error)

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
// cross file systems, and only then decides whether to keep it.
func (a *Archive) add(e Entry, src io.Reader, validate Validator, quarantine bool) (AddResult, error) {
	e.Filename = safeName(e.Filename)
	tmp, err := os.CreateTemp(a.Dir, ".incoming-*")
	if err != nil {
		return AddResult{}, fmt.Errorf("archive %s: %w", e.Filename, err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return AddResult{}, fmt.Errorf("archive %s: %w", e.Filename, err)
	}
	e.SHA256, e.Bytes = hex.EncodeToString(h.Sum(nil)), n

	m, err := a.Manifest()
	if err != nil {
		return AddResult{}, err
	}
	if prev, ok := m.Find(e.SHA256); ok {
		if prev.Kind != e.Kind || prev.Period != e.Period {
			return AddResult{Entry: prev}, fmt.Errorf("archive %s: the same bytes are already archived as %s %s (%s)", e.Filename, prev.Kind, prev.Period, prev.Filename)
		}
		// An older file added again (upstream reverted a restatement)
		// becomes current again, as a new file would; its bytes are stored.
		reinstated := !m.isCurrent(prev)
		if reinstated {
			e.MediaType, e.Path, e.AddedAt = prev.MediaType, prev.Path, a.addedAt()
			m.Files = append(m.Files, e)
		}
		if m.remember(e) || reinstated {
			if err := a.writeManifest(m); err != nil {
				return AddResult{}, fmt.Errorf("archive %s: write manifest: %w", e.Filename, err)
			}
		}
		if reinstated {
			return AddResult{Entry: e, Added: true}, nil
		}
		return AddResult{Entry: prev}, nil
	}
	mediaType, verr := validate(tmp.Name())
	if verr != nil && !quarantine {
		return AddResult{Entry: e}, verr
	}
	if verr != nil {
		where, err := a.reject(tmp.Name(), e, verr)
		if err != nil {
			return AddResult{}, fmt.Errorf("%w (and setting it aside failed: %v)", verr, err)
		}
		return AddResult{Entry: e, Rejected: where}, verr
	}
	e.MediaType = mediaType
	e.AddedAt = a.addedAt()
	e.Path = "files/" + e.SHA256 + extension(e.Filename)
	if err := os.Rename(tmp.Name(), filepath.Join(a.Dir, filepath.FromSlash(e.Path))); err != nil {
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

// addedAt is the time an entry is added, as the manifest records it.
func (a *Archive) addedAt() string { return a.Now().UTC().Format(time.RFC3339) }

// remember records the validators of a fetched entry's URL and reports
// whether that changed the manifest.
func (m *Manifest) remember(e Entry) bool {
	if e.URL == "" {
		return false
	}
	rec := FetchRecord{SHA256: e.SHA256, Validators: Validators{ETag: e.ETag, LastModified: e.LastModified}}
	if m.Fetched[e.URL] == rec {
		return false
	}
	if m.Fetched == nil {
		m.Fetched = map[string]FetchRecord{}
	}
	m.Fetched[e.URL] = rec
	return true
}

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
