// Package fetch is the one HTTP client mappa downloads through: rate
// limited, retrying failed requests and transfers cut short in one loop
// with one budget, bounded in size and time, and refusing hosts it was not
// told to trust.
package fetch
