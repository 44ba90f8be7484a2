// Package pipelinetest holds what the tests of mappa's stages share: the
// published-style fixtures and their manifest, a synthetic legacy table,
// and a dump of a database for comparing two of them. It is imported by
// tests only.
package pipelinetest
