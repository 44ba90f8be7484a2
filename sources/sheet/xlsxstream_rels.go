package sheet

import (
	"archive/zip"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// Relationships (ECMA-376 Part 2, Open Packaging Conventions): how one part
// names the parts it uses. The reader follows them from _rels/.rels to the
// workbook, and from the workbook to its sheets and shared strings.

// xlsxRel is one <Relationship>.
type xlsxRel struct {
	id, typ, target string
	external        bool // TargetMode="External": outside the package
}

// xlsxRels is a relationships part.
type xlsxRels struct {
	name    string // the part's name, for errors
	missing bool   // there is no such part: the source relates to nothing
	list    []xlsxRel
	byID    map[string]int // index in list
}

// xlsxRelsName is the name of the relationships part of source, a part
// name without its leading slash, or "" for the package itself.
func xlsxRelsName(source string) string {
	dir, file := path.Split(source)
	return dir + "_rels/" + file + ".rels"
}

// rels reads the relationships of source ("" for the package). A missing
// relationships part is a source without relationships.
func (pkg xlsxPackage) rels(source string) (*xlsxRels, error) {
	rels := &xlsxRels{name: xlsxRelsName(source), byID: map[string]int{}}
	f := pkg[xlsxPartName(rels.name)]
	if f == nil {
		rels.missing = true
		return rels, nil
	}
	err := walkXLSXPart(f, func(x *lexer, path []string) error {
		if len(path) != 2 || path[1] != "Relationship" {
			return nil
		}
		if len(rels.list) == maxZipEntries {
			return limitError("more than %d relationships in %s", maxZipEntries, rels.name)
		}
		var rel xlsxRel
		for i := range x.attrs {
			switch a := &x.attrs[i]; string(a.raw) {
			case "Id":
				rel.id = string(a.val)
			case "Type":
				rel.typ = string(a.val)
			case "Target":
				rel.target = string(a.val)
			case "TargetMode":
				rel.external = string(a.val) == "External"
			}
		}
		if _, dup := rels.byID[rel.id]; dup {
			return fmt.Errorf("%s: relationship id %q used twice", rels.name, rel.id)
		}
		rels.byID[rel.id] = len(rels.list)
		rels.list = append(rels.list, rel)
		return nil
	})
	return rels, err
}

// get returns the relationship with id.
func (rels *xlsxRels) get(id string) (*xlsxRel, error) {
	if i, ok := rels.byID[id]; ok {
		return &rels.list[i], nil
	}
	if rels.missing {
		return nil, fmt.Errorf("relationship %s not found: missing part %s", id, rels.name)
	}
	return nil, fmt.Errorf("relationship %s not found in %s", id, rels.name)
}

// target resolves rel, a relationship of source ("" for the package), to a
// part name, and returns it with the part, nil if the package has none.
func (pkg xlsxPackage) target(source string, rel *xlsxRel) (string, *zip.File) {
	if rel.external {
		return rel.target + " (external)", nil
	}
	name := xlsxResolve(source, rel.target)
	if f := pkg[xlsxPartName(name)]; f != nil {
		return name, f
	}
	// Part names are URIs: a target may percent-encode what the zip
	// entry's name holds as it is.
	if dec, err := url.PathUnescape(name); err == nil && dec != name {
		if f := pkg[xlsxPartName(dec)]; f != nil {
			return dec, f
		}
	}
	return name, nil
}

// xlsxResolve resolves a relationship's target against its source part as
// a relative reference (RFC 3986 §5.2, as OPC specifies): a target starting
// with "/" is from the package root, any other from the source's folder;
// "." and ".." segments are removed, and ".." never climbs above the root.
// The result has no leading slash, like a zip entry's name.
func xlsxResolve(source, target string) string {
	target, _, _ = strings.Cut(target, "#")
	if !strings.HasPrefix(target, "/") {
		target = "/" + path.Dir(source) + "/" + target
	}
	return strings.TrimPrefix(path.Clean(target), "/")
}

// only is the one relationship of type typ ("officeDocument"), nil if
// there is none; two are an error.
func (rels *xlsxRels) only(typ string) (*xlsxRel, error) {
	var found *xlsxRel
	for i := range rels.list {
		if rel := &rels.list[i]; xlsxRelIs(rel.typ, typ) {
			if found != nil {
				return nil, fmt.Errorf("%s has two %s relationships (%s and %s)", rels.name, typ, found.id, rel.id)
			}
			found = rel
		}
	}
	return found, nil
}
