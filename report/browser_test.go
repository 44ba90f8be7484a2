package report_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/mappa-etl/mappa/report"
)

// pageMetrics are what the browser measured of the rendered page.
type pageMetrics struct {
	MinFont float64 `json:"min"`
	Where   string  `json:"where"`
	Clipped string  `json:"clipped"` // chart text running past its chart's edge

	ScrollWidth float64 `json:"scrollWidth"`
	InnerWidth  float64 `json:"innerWidth"`
}

// measure finds the smallest text shown (SVG text scaled as drawn) and
// the page's scroll width.
const measure = `(() => {
	let min = 1e9, where = '';
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	while (walk.nextNode()) {
		const n = walk.currentNode, el = n.parentElement;
		if (!n.textContent.trim() || !el) continue;
		const r = el.getBoundingClientRect();
		if (r.width === 0 || r.height === 0) continue;
		let size = parseFloat(getComputedStyle(el).fontSize);
		if (el instanceof SVGElement && el.getScreenCTM()) {
			const m = el.getScreenCTM();
			size *= Math.sqrt(m.a * m.a + m.b * m.b);
		}
		if (size < min) { min = size; where = el.tagName + ': ' + n.textContent.trim().slice(0, 50); }
	}
	let clipped = '';
	for (const t of document.querySelectorAll('svg text')) {
		const svg = t.ownerSVGElement.getBoundingClientRect(), r = t.getBoundingClientRect();
		if (r.width > 0 && (r.left < svg.left - 4 || r.right > svg.right + 4 || r.top < svg.top - 4 || r.bottom > svg.bottom + 4)) { // a line box may rise a little above its ink
			clipped = t.textContent.trim().slice(0, 50) + " [" + [r.left - svg.left, svg.right - r.right, r.top - svg.top, svg.bottom - r.bottom].map(Math.round).join(",") + "]";
			break;
		}
	}
	return {min, where, clipped, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth};
})()`

// TestReportInABrowser loads the report in headless Chromium at desktop
// and phone widths: no text smaller than 11 px, no chart text cut off at
// its chart's edge, no horizontal scroll at 390 px, no request beyond the
// page itself. With MAPPA_SCREENSHOTS set
// to a directory it saves the screenshots the README shows there.
func TestReportInABrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium on the PATH (.ci/run installs it)")
	}
	page := filepath.Join(t.TempDir(), "report.html")
	r, err := report.Build(context.Background(), openStore(t), report.WithArea("E23000005")) // Greater Manchester: a long name in the map legend
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteFile(page); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	for _, width := range []int64{1280, 390} {
		t.Run(strconv.FormatInt(width, 10)+"px", func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(actx)
			defer cancel()
			ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
			defer cancelT()
			var mu sync.Mutex
			var external []string
			if err := chromedp.Listen(ctx, func(ev any) {
				if e, ok := ev.(*network.EventRequestWillBeSent); ok && !strings.HasPrefix(e.Request.URL, "file:") && !strings.HasPrefix(e.Request.URL, "data:") {
					mu.Lock()
					external = append(external, e.Request.URL)
					mu.Unlock()
				}
			}); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
				t.Fatal(err)
			}
			m, err := chromedp.Run(ctx, chromedp.Evaluate[pageMetrics](measure))
			if err != nil {
				t.Fatal(err)
			}
			shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%dpx: smallest text %.1f px (%s); scroll width %.0f of %.0f", width, m.MinFont, m.Where, m.ScrollWidth, m.InnerWidth)
			if m.MinFont < 11 {
				t.Errorf("text of %.1f px (%s), want at least 11", m.MinFont, m.Where)
			}
			if m.Clipped != "" {
				t.Errorf("chart text cut off at its chart's edge: %q", m.Clipped)
			}
			if m.ScrollWidth > m.InnerWidth {
				t.Errorf("horizontal scroll: the page is %.0f px wide in a %.0f px window", m.ScrollWidth, m.InnerWidth)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(external) > 0 {
				t.Errorf("requests beyond the page: %v", external)
			}
			if dir := os.Getenv("MAPPA_SCREENSHOTS"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, "report-"+strconv.FormatInt(width, 10)+".png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
