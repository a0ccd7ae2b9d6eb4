"""The workflow diagram (Graphviz DOT) of the table a case runs, titled with its version, with the case's current
state highlighted."""

from core.platform.i18n import t
from core.workflow.spec import Workflow


def workflow_dot(wf: Workflow, current: str) -> str:
    lines = ["digraph {", "  rankdir=LR;", f'  label="{t("ui.case_version.label", version=wf.version)}";',
             '  labelloc=t; fontname="Helvetica"; fontsize=11;',
             '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9, color="#777777"];']
    for state in wf.states:
        style = 'fillcolor="#0b5cad", fontcolor="#ffffff"' if state == current else ""
        shape = ", peripheries=2" if state in wf.final_states else ""
        lines.append(f'  "{state}" [label="{t("state." + state)}"{", " + style if style else ""}{shape}];')
    for tr in wf.transitions:
        for source in tr.source:
            lines.append(f'  "{source}" -> "{tr.dest}" [label="{t("trigger." + tr.trigger)}"];')
    lines.append("}")
    return "\n".join(lines)
