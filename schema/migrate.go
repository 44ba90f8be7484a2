package schema

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one numbered SQL script.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order. File names
// are NNNN_name.sql; the number is the version.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", e.Name())
		}
		body, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Version returns the schema version of the database (PRAGMA user_version,
// which carries no timestamp, so rebuilt databases stay identical).
func Version(ctx context.Context, db *sql.DB) (int, error) {
	var v int
	err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Migrate applies every migration newer than the database, each in its own
// transaction, then refreshes the reference areas.
func Migrate(ctx context.Context, db *sql.DB) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	current, err := Version(ctx, db)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	latest := 0
	for _, m := range ms {
		latest = m.Version
		if m.Version <= current {
			continue
		}
		if err := apply(ctx, db, m); err != nil {
			return err
		}
	}
	if current > latest {
		return fmt.Errorf("database schema version %d is newer than this mappa (%d): upgrade mappa", current, latest)
	}
	if err := seedAreas(ctx, db); err != nil {
		return err
	}
	return seedColumns(ctx, db)
}

func apply(ctx context.Context, db *sql.DB, m Migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Read again inside the (immediate, so exclusive) transaction: another
	// process may have just applied it.
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("apply migration %s: %w", m.Name, err)
	}
	if v >= m.Version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("apply migration %s: %w", m.Name, err)
	}
	// PRAGMA cannot take parameters; the version is an int from our file name.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version)); err != nil {
		return fmt.Errorf("apply migration %s: %w", m.Name, err)
	}
	return tx.Commit()
}

// seedAreas upserts the reference areas.
func seedAreas(ctx context.Context, db *sql.DB) error {
	want := AllAreas()
	keys := make([]string, len(want))
	for i, a := range want {
		keys[i] = a.Code + "\t" + a.Name + "\t" + a.Country + "\t" + string(a.Type)
	}
	return seedIfChanged(ctx, db, "areas",
		"SELECT area_code || char(9) || area_name || char(9) || country || char(9) || area_type FROM areas", keys,
		func(tx *sql.Tx) error {
			const upsert = `INSERT INTO areas (area_code, area_name, country, area_type) VALUES (?, ?, ?, ?)
				ON CONFLICT (area_code) DO UPDATE SET area_name = excluded.area_name, country = excluded.country,
					area_type = excluded.area_type`
			for _, a := range want {
				if _, err := tx.ExecContext(ctx, upsert, a.Code, a.Name, a.Country, string(a.Type)); err != nil {
					return err
				}
			}
			return nil
		})
}

// seedIfChanged runs write in a transaction unless the rows of table, read
// as one text key each by query, are already exactly want: opening a
// current database to read it (even read-only) must write nothing.
func seedIfChanged(ctx context.Context, db *sql.DB, table, query string, want []string, write func(*sql.Tx) error) error {
	var have []string
	rows, err := db.QueryContext(ctx, query+" ORDER BY 1")
	if err != nil {
		return fmt.Errorf("seed %s: %w", table, err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return fmt.Errorf("seed %s: %w", table, err)
		}
		have = append(have, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("seed %s: %w", table, err)
	}
	want = slices.Clone(want)
	slices.Sort(want)
	if slices.Equal(have, want) {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := write(tx); err != nil {
		return fmt.Errorf("seed %s: %w", table, err)
	}
	return tx.Commit()
}
