package sheet

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestLexerEncoding: the tokenizer both readers use refuses a declared
// encoding other than UTF-8 however the declaration is spaced (it once cut
// the declaration on spaces only, so tabs got a foreign encoding through).
func TestLexerEncoding(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      error
	}{
		{"UTF-8", `<?xml version="1.0" encoding="UTF-8"?><w/>`, nil},
		{"no encoding", `<?xml version="1.0"?><w/>`, nil},
		{"another encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><w/>`, errXMLEncoding},
		{"tab-separated", "<?xml\tversion='1.0'\tencoding='ebcdic'?><w/>", errXMLEncoding},
		{"spaces around =", `<?xml version="1.0" encoding = 'ebcdic'?><w/>`, errXMLEncoding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := newLexer(strings.NewReader(tc.doc))
			var err error
			for err == nil {
				_, err = x.next()
			}
			if err == io.EOF {
				err = nil
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}
