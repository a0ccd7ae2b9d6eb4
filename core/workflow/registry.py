"""Every workflow table by (name, version). A case runs the version it was opened with
(`case.workflow_version`), so a new version of a table never changes the rules of the cases already open;
new cases take the latest version."""

from core.models import Case
from core.workflow.spec import Workflow
from workflows import TABLES as _TABLES

TABLES: dict[tuple[str, int], Workflow] = {(wf.name, wf.version): wf for wf in _TABLES}


def get(name: str, version: int) -> Workflow:
    try:
        return TABLES[name, version]
    except KeyError:
        raise LookupError(f"no workflow {name!r} version {version}") from None


def latest(name: str) -> Workflow:
    """The version new cases of this workflow are opened with."""
    versions = [wf for (n, _), wf in TABLES.items() if n == name]
    if not versions:
        raise LookupError(f"no workflow {name!r}")
    return max(versions, key=lambda wf: wf.version)


def workflow_of(case: Case) -> Workflow:
    return get(case.case_type, case.workflow_version)


def names() -> list[str]:
    """The workflow names, in the order the tables are listed."""
    return list(dict.fromkeys(name for name, _ in TABLES))


def latest_workflows() -> list[Workflow]:
    return [latest(name) for name in names()]


def tables(name: str | None = None) -> list[Workflow]:
    """Every version of the named workflow, or of every workflow: the states cases may be in span them all.
    Newest first within a workflow, so states listed from them follow the latest table's order."""
    order = names()
    return sorted((wf for (n, _), wf in TABLES.items() if name in (None, n)),
                  key=lambda wf: (order.index(wf.name), -wf.version))
