package pipeline

import (
	"errors"
	"fmt"

	"github.com/gofrs/flock"
)

// ErrLocked reports that another mappa process holds the writer lock.
var ErrLocked = errors.New("another mappa process is writing to this database")

// LockWriter takes the lock that allows one writer per database across
// processes (cron and a scheduler colliding), without waiting: a second
// writer should give up at once, not queue behind a long download. The
// lock is an advisory flock on DB.lock, released by the returned function
// or by the process exiting, so a crash never leaves a stale lock.
func LockWriter(dbPath string) (unlock func() error, err error) {
	path := dbPath + ".lock"
	fl := flock.New(path)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w (lock %s is held)", ErrLocked, path)
	}
	return fl.Unlock, nil
}
