// Package archive keeps every file mappa has read, by sha256, under a
// manifest saying what each is and where it came from; a rebuild reads
// nothing else. Writers hold the archive's own lock.
package archive
