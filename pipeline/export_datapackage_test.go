package pipeline_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mappa-etl/mappa/pipeline/store"
)

// TestExportDataPackage: mappa export --format datapackage writes a
// datapackage.json that the Data Package 2.0 profile (its published JSON
// Schema, in testdata/frictionless) accepts, describing every exported
// CSV: each file reads back by the descriptor's field types, keys name
// fields that exist, and foreign keys name resources in the package.
func TestExportDataPackage(t *testing.T) {
	db := rebuiltFixtures(t)
	dir := t.TempDir()
	res, err := store.Export(context.Background(), db, dir, store.ExportDataPackage)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	// The profile's patterns are ECMA-262 (JSON Schema's dialect), with
	// lookaheads Go's regexp lacks.
	c.UseRegexpEngine(func(expr string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(expr, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return ecmaRegexp{re}, nil
	})
	sch, err := c.Compile("testdata/frictionless/datapackage-2.0.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("datapackage.json does not validate against the Data Package 2.0 profile: %v", err)
	}
	// The profile does refuse a bad descriptor: a path out of the package.
	bad, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.Replace(raw, []byte(`"path": "areas.csv"`), []byte(`"path": "../areas.csv"`), 1)))
	if err := sch.Validate(bad); err == nil {
		t.Fatal("the profile accepted a resource path out of the package; the validation proves nothing")
	}
	var pkg struct {
		Licenses  []struct{ Name string }
		Sources   []struct{ Path string }
		Created   string
		Resources []struct {
			Name, Path string
			Schema     struct {
				Fields []struct {
					Name, Type, Description string
				}
				MissingValues []string
				PrimaryKey    []string
				ForeignKeys   []struct {
					Fields    []string
					Reference struct {
						Resource string
						Fields   []string
					}
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(pkg.Resources) != len(res.Files) || pkg.Licenses[0].Name != "OGL-UK-3.0" || pkg.Sources[0].Path != store.CollectionURL || pkg.Created == "" {
		t.Fatalf("package: %d resources for %d files, licences %v, sources %v, created %q", len(pkg.Resources), len(res.Files), pkg.Licenses, pkg.Sources, pkg.Created)
	}
	names := map[string]bool{}
	for _, r := range pkg.Resources {
		names[r.Name] = true
	}
	for _, r := range pkg.Resources {
		t.Run(r.Name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, r.Path))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, err := csv.NewReader(f).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			fields := map[string]bool{}
			for i, fd := range r.Schema.Fields {
				fields[fd.Name] = true
				if recs[0][i] != fd.Name {
					t.Fatalf("column %d is %q, the descriptor says %q", i, recs[0][i], fd.Name)
				}
				if fd.Description == "" {
					t.Errorf("%s has no description", fd.Name)
				}
			}
			for _, rec := range recs[1:] {
				for i, v := range rec {
					if v == "" { // missingValues
						continue
					}
					if err := parseAs(r.Schema.Fields[i].Type, v); err != nil {
						t.Fatalf("%s %q is not a %s: %v", r.Schema.Fields[i].Name, v, r.Schema.Fields[i].Type, err)
					}
				}
			}
			for _, k := range r.Schema.PrimaryKey {
				if !fields[k] {
					t.Errorf("primary key %s is no field", k)
				}
			}
			for _, fk := range r.Schema.ForeignKeys {
				if !names[fk.Reference.Resource] {
					t.Errorf("foreign key to %s, which is not in the package", fk.Reference.Resource)
				}
			}
		})
	}
}

// ecmaRegexp is a regexp2 expression as the validator wants it.
type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) String() string { return r.re.String() }

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return ok && err == nil
}

// parseAs reads v as a Table Schema type, in its default format.
func parseAs(typ, v string) error {
	var err error
	switch typ {
	case "integer":
		_, err = strconv.ParseInt(v, 10, 64)
	case "number":
		_, err = strconv.ParseFloat(v, 64)
	case "date":
		_, err = time.Parse(time.DateOnly, v)
	case "datetime":
		_, err = time.Parse(time.RFC3339, v)
	}
	return err
}
