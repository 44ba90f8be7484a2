// Package pipelinetest holds what the tests of mappa's stages share: the
// published-style fixtures and their manifest, a synthetic legacy table,
// dumps of a database for comparing two of them, the helpers of the
// process-level tests (ExitStatus, InspectDB, CopyTree, WaitFor), and
// writers of hand-built workbooks to XLSX and ODS files (WriteWorkbook).
// It is imported by tests only.
package pipelinetest
