package fetch

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// hostPolicy decides which URLs mappa may fetch: the origin's host, the
// GOV.UK assets host and hosts the operator added, over https, or plain
// http on loopback (a local mirror or test server).
type hostPolicy struct {
	origin *url.URL
	hosts  map[string]bool
}

func newHostPolicy(origin string, extra []string) (hostPolicy, error) {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return hostPolicy{}, fmt.Errorf("source %q: want an absolute http(s) URL such as %s", origin, GOVUK)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return hostPolicy{}, fmt.Errorf("source %q: plain http is allowed only for loopback addresses; use https", origin)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return hostPolicy{}, fmt.Errorf("source %q: want an origin only, scheme://host[:port], such as %s", origin, GOVUK)
	}
	p := hostPolicy{origin: &url.URL{Scheme: u.Scheme, Host: hostKey(u)}, hosts: map[string]bool{}}
	p.hosts[hostKey(u)] = true
	for _, h := range append([]string{AssetsHost}, extra...) {
		if h = strings.TrimSpace(h); h != "" {
			p.hosts[hostKey(&url.URL{Scheme: "https", Host: h})] = true
		}
	}
	return p, nil
}

// hostKey is a URL's host as the policy compares it: lower case, without
// the scheme's default port ("www.gov.uk:443" is "www.gov.uk").
func hostKey(u *url.URL) string {
	h := strings.ToLower(u.Host)
	if port := u.Port(); (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		h = strings.TrimSuffix(h, ":"+port)
	}
	return h
}

// allow adds the host of an operator-given URL, such as a population file.
func (p hostPolicy) allow(u *url.URL) { p.hosts[hostKey(u)] = true }

// check returns ErrHostNotAllowed, wrapped with the URL, for a URL that
// may not be fetched.
func (p hostPolicy) check(u *url.URL) error {
	if err := checkScheme(u); err != nil {
		return err
	}
	if !p.hosts[hostKey(u)] && !p.hosts[strings.ToLower(u.Hostname())] {
		return fmt.Errorf("%w: %s (allowed: the source, %s and --allow-host)", ErrHostNotAllowed, u.Redacted(), AssetsHost)
	}
	return nil
}

// checkScheme allows https anywhere and plain http on loopback only.
func checkScheme(u *url.URL) error {
	if u.Scheme == "https" || (u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil
	}
	return fmt.Errorf("%w: %s (only https, or http on loopback)", ErrHostNotAllowed, u.Redacted())
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
