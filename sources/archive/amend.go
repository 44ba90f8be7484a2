package archive

import (
	"fmt"
	"os"
	"os/user"
	"strings"
)

// Change is one amendment of the archive by an operator: a file withdrawn
// or relabelled. Its bytes stay; the manifest keeps every change, so the
// archive says who changed what, when and why.
type Change struct {
	At     string `json:"at"` // RFC 3339, UTC
	By     string `json:"by"` // user@host
	Action string `json:"action"`
	SHA256 string `json:"sha256"`
	// From and To are the periods of a relabelling.
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// The actions of a Change.
const (
	ActionWithdraw = "withdraw"
	ActionRelabel  = "relabel"
	// ActionReinstate is a withdrawn file added again by hand.
	ActionReinstate = "reinstate"
)

// Withdrawn reports whether the operator withdrew the file: it stays in
// the archive but loads nowhere, and a run that fetches its bytes again
// does not bring it back.
func (e Entry) Withdrawn() bool { return e.WithdrawnAt != "" }

// Amendment is a change asked of the archive, applied by Amend.
type Amendment struct {
	Action string
	// SHA256 names the file: its full hash or a prefix of at least 8
	// hexadecimal digits that only it has.
	SHA256 string
	To     string // the new period, for ActionRelabel
	Reason string
}

// Resolve finds the archived file a hash or hash prefix names.
func (m *Manifest) Resolve(prefix string) (Entry, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if len(prefix) < 8 {
		return Entry{}, fmt.Errorf("file %q: give at least 8 digits of its sha256 (mappa archive list shows them)", prefix)
	}
	var found []Entry
	seen := map[string]bool{}
	for _, e := range m.Files {
		if strings.HasPrefix(e.SHA256, prefix) && !seen[e.SHA256] {
			seen[e.SHA256] = true
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return Entry{}, fmt.Errorf("file %s: no archived file has that sha256 (mappa archive list shows them)", prefix)
	case 1:
		return found[0], nil
	}
	return Entry{}, fmt.Errorf("file %s: %d archived files start with it; give more digits", prefix, len(found))
}

// Apply makes the amendment in m and records it as a Change by who at
// when. The caller checks a relabelling's new period: the archive does
// not read files.
func (m *Manifest) Apply(am Amendment, who, when string) (Change, error) {
	e, err := m.Resolve(am.SHA256)
	if err != nil {
		return Change{}, err
	}
	ch := Change{At: when, By: who, Action: am.Action, SHA256: e.SHA256, Reason: am.Reason}
	switch am.Action {
	case ActionWithdraw:
		if e.Withdrawn() {
			return Change{}, fmt.Errorf("%s %s %s (%s) was withdrawn already, at %s", e.Kind, e.Period, e.Filename, short(e.SHA256), e.WithdrawnAt)
		}
		for i := range m.Files {
			if m.Files[i].SHA256 == e.SHA256 {
				m.Files[i].WithdrawnAt = when
			}
		}
	case ActionRelabel:
		if e.Kind == KindLookup {
			return Change{}, fmt.Errorf("lookup %s (%s) has no period to relabel", e.Filename, short(e.SHA256))
		}
		if am.To == e.Period {
			return Change{}, fmt.Errorf("%s %s (%s) is filed under %s already", e.Kind, e.Filename, short(e.SHA256), e.Period)
		}
		ch.From, ch.To = e.Period, am.To
		// RelabelledFrom keeps the period the file first came under,
		// which its page or configuration still gives, however often it
		// is relabelled; back under that period, it is relabelled no more.
		from := e.RelabelledFrom
		if from == "" {
			from = e.Period
		}
		if from == am.To {
			from = ""
		}
		// The file moves to the end of the list, filed under its new
		// period: it becomes that period's current file and newest
		// vintage (a later-added file of that period included), and
		// stops being a vintage of its old one.
		var kept []Entry
		for _, f := range m.Files {
			if f.SHA256 != e.SHA256 {
				kept = append(kept, f)
			}
		}
		e.Period, e.RelabelledFrom = am.To, from
		m.Files = append(kept, e)
	default:
		return Change{}, fmt.Errorf("unknown archive change %q", am.Action)
	}
	m.Changes = append(m.Changes, ch)
	return ch, nil
}

// Amend applies an amendment under the archive's lock and calls commit
// with the amended manifest and a function that writes it. commit builds
// the database the manifest describes and calls write before it swaps
// that database in: so a change whose database cannot be built is never
// made, and a manifest that cannot be written leaves the database as it
// was. commit must call write exactly once, or not at all to abandon.
func (a *Archive) Amend(am Amendment, commit func(m *Manifest, ch Change, write func() error) error) (Change, error) {
	unlock, err := a.lock()
	if err != nil {
		return Change{}, fmt.Errorf("amend archive %s: %w", a.Dir, err)
	}
	defer unlock()
	m, err := a.Manifest()
	if err != nil {
		return Change{}, err
	}
	ch, err := m.Apply(am, Operator(), a.addedAt())
	if err != nil {
		return Change{}, err
	}
	written := false
	write := func() error {
		if err := a.writeManifest(m); err != nil {
			return fmt.Errorf("amend archive %s: write manifest: %w", a.Dir, err)
		}
		written = true
		return nil
	}
	if err := commit(m, ch, write); err != nil {
		return Change{}, err
	}
	if !written {
		return Change{}, fmt.Errorf("amend archive %s: the change was not written", a.Dir)
	}
	return ch, nil
}

// Operator names who runs this process, as user@host, for the record of
// a change.
func Operator() string {
	name := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		name += "@" + h
	}
	return name
}

func short(sha string) string { return sha[:min(12, len(sha))] }
