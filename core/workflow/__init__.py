"""The case workflow engine in layers: `spec` (the vocabulary tables are written in), `registry` (the tables
by name and version), `engine` (runs one transition and returns its domain events), `events` (the events and
their in-process publish/subscribe) and the subscribers wired in `subscribers`. Kept empty on purpose: the
tables in `workflows/` import `core.workflow.spec`, which loads this package first."""
