package pipeline

import (
	"go.uber.org/zap"

	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// What a run records of each file it fetched, skipped or failed.

// settle records the outcome of archiving one file.
func (r *run) settle(rf store.RunFile, res archive.AddResult, err error, parsed *Parsed) {
	if err != nil {
		r.fail(rf, err)
		return
	}
	rf.SHA256, rf.Bytes = res.Entry.SHA256, res.Entry.Bytes
	rf.Status = store.FileUnchanged
	if res.Added {
		rf.Status = store.FileFetched
		r.parsed[res.Entry.SHA256] = parsed
		logParsed(r.Log, res.Entry, parsed)
	}
	r.record(rf)
}

func (r *run) fail(rf store.RunFile, err error) {
	rf.Status, rf.Error = store.FileFailed, err.Error()
	r.record(rf)
}

// record logs one file's outcome, one line per file, and keeps it for the
// runs table.
func (r *run) record(rf store.RunFile) {
	fields := []zap.Field{zap.String("kind", rf.Kind), zap.String("period", rf.Period), zap.String("url", rf.URL),
		zap.String("sha256", rf.SHA256), zap.Int64("bytes", rf.Bytes), zap.String("status", string(rf.Status))}
	if rf.Status == store.FileFailed {
		r.Log.Error("file failed", append(fields, zap.String("error", rf.Error))...)
	} else {
		r.Log.Info("file "+string(rf.Status), fields...)
	}
	r.totals.Files = append(r.totals.Files, rf)
}
