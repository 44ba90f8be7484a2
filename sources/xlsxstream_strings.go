package sources

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Shared strings. The table is small (a few thousand items in real files,
// at most maxSharedStringsBytes), so it is decoded as excelize decodes it:
// encoding/xml into copies of excelize's structs, which keeps every detail
// (last <t> wins, <rPh> ignored, xml:space ignored, typed attributes that
// fail to parse) exactly the same.

type xlsxStreamSST struct {
	XMLName     xml.Name       `xml:"http://schemas.openxmlformats.org/spreadsheetml/2006/main sst"`
	Count       int            `xml:"count,attr"`
	UniqueCount int            `xml:"uniqueCount,attr"`
	SI          []xlsxStreamSI `xml:"si"`
}

type xlsxStreamSI struct {
	T          *xlsxStreamT   `xml:"t,omitempty"`
	R          []xlsxStreamR  `xml:"r"`
	RPh        []*xlsxStreamP `xml:"rPh"`
	PhoneticPr *struct {
		XMLName   xml.Name `xml:"phoneticPr"`
		Alignment string   `xml:"alignment,attr,omitempty"`
		FontID    *int     `xml:"fontId,attr"`
		Type      string   `xml:"type,attr,omitempty"`
	} `xml:"phoneticPr"`
}

type xlsxStreamP struct {
	Sb uint32 `xml:"sb,attr"`
	Eb uint32 `xml:"eb,attr"`
	T  string `xml:"t"`
}

type xlsxStreamR struct {
	XMLName xml.Name     `xml:"r"`
	RPr     *xlsxRPrCopy `xml:"rPr"`
	T       *xlsxStreamT `xml:"t"`
}

type xlsxStreamT struct {
	XMLName xml.Name `xml:"t"`
	Space   xml.Attr `xml:"space,attr,omitempty"`
	Val     string   `xml:",chardata"`
}

type (
	xlsxValString struct {
		Val *string `xml:"val,attr"`
	}
	xlsxValInt struct {
		Val *int `xml:"val,attr"`
	}
	xlsxValBool struct {
		Val *bool `xml:"val,attr"`
	}
	xlsxValFloat struct {
		Val *float64 `xml:"val,attr"`
	}
)

type xlsxRPrCopy struct {
	RFont    *xlsxValString `xml:"rFont"`
	Charset  *xlsxValInt    `xml:"charset"`
	Family   *xlsxValInt    `xml:"family"`
	B        *xlsxValBool   `xml:"b"`
	I        *xlsxValBool   `xml:"i"`
	Strike   *xlsxValBool   `xml:"strike"`
	Outline  *xlsxValBool   `xml:"outline"`
	Shadow   *xlsxValBool   `xml:"shadow"`
	Condense *xlsxValBool   `xml:"condense"`
	Extend   *xlsxValBool   `xml:"extend"`
	Color    *struct {
		Auto    bool    `xml:"auto,attr,omitempty"`
		RGB     string  `xml:"rgb,attr,omitempty"`
		Indexed int     `xml:"indexed,attr,omitempty"`
		Theme   *int    `xml:"theme,attr"`
		Tint    float64 `xml:"tint,attr,omitempty"`
	} `xml:"color"`
	Sz        *xlsxValFloat  `xml:"sz"`
	U         *xlsxValString `xml:"u"`
	VertAlign *xlsxValString `xml:"vertAlign"`
	Scheme    *xlsxValString `xml:"scheme"`
}

// String is excelize's xlsxSI.String.
func (x xlsxStreamSI) String() string {
	var value strings.Builder
	if x.T != nil {
		value.WriteString(x.T.Val)
	}
	for _, s := range x.R {
		if s.T != nil {
			value.WriteString(s.T.Val)
		}
	}
	if value.Len() == 0 {
		return ""
	}
	return xlsxBstrUnmarshal(value.String())
}

// readXLSXSharedStrings returns the shared string table, empty when the
// package has none. Tables over xlsxInMemoryPartBytes excelize reads from
// a temporary file by another route; they are left to it.
func readXLSXSharedStrings(f *zip.File) ([]string, error) {
	if f == nil {
		return nil, nil
	}
	if f.UncompressedSize64 > xlsxInMemoryPartBytes || f.FileInfo().IsDir() {
		return nil, errXLSXFallback
	}
	b, err := readXLSXPart(f)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(b, []byte("purl.oclc.org")) {
		return nil, errXLSXFallback
	}
	var sst xlsxStreamSST
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&sst); err != nil && err != io.EOF {
		return nil, errXLSXFallback
	}
	strs := make([]string, len(sst.SI))
	for i := range sst.SI {
		strs[i] = sst.SI[i].String()
	}
	return strs, nil
}

var xlsxBstrExp = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// xlsxBstrUnmarshal is excelize's bstrUnmarshal: it decodes the _xHHHH_
// escapes of characters XML cannot hold.
func xlsxBstrUnmarshal(s string) (result string) {
	if !strings.Contains(s, "_x") {
		return s
	}
	matches, l, cursor := xlsxBstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			result += "_"
			continue
		}
		if xlsxBstrExp.MatchString(subStr) {
			cursor = match[1]
			v, _ := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`)
			result += v
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}
