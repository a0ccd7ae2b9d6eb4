"""Workflow tables are data: check they only name guards, effects, deadlines and messages that exist."""

import pytest

from core.platform.config import settings
from core.platform.i18n import _catalog, t
from core.workflow import registry
from core.workflow.effects import EFFECTS
from core.workflow.guards import GUARDS

WORKFLOWS = registry.tables()


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda wf: wf.name)
def test_every_name_in_a_workflow_table_exists(wf):
    for tr in wf.transitions:
        assert set(tr.guards) <= GUARDS.keys(), tr.trigger
        assert set(tr.effects) <= EFFECTS.keys(), tr.trigger
        assert {tr.dest, *tr.source} <= set(wf.states), tr.trigger
        if tr.sla and tr.sla.deadline:
            assert hasattr(settings, wf.deadlines[tr.sla.deadline])
        for template in tr.notify:
            for lang in ("ro", "en"):
                assert f"message.{wf.name}.{template}.subject" in _catalog(lang)
                assert f"message.{wf.name}.{template}.body" in _catalog(lang)


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda wf: wf.name)
def test_every_state_trigger_and_document_has_a_label_in_both_languages(wf):
    keys = [f"state.{s}" for s in wf.states] + [f"trigger.{tr.trigger}" for tr in wf.transitions]
    keys += [f"document.{d.doc_type}" for d in wf.documents]
    for key in keys:
        assert key in _catalog("ro") and key in _catalog("en"), key


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda wf: wf.name)
def test_every_state_can_be_reached_from_the_initial_one(wf):
    reached, frontier = {wf.initial}, [wf.initial]
    while frontier:
        state = frontier.pop()
        for tr in wf.transitions:
            if state in tr.source and tr.dest not in reached:
                reached.add(tr.dest)
                frontier.append(tr.dest)
    assert reached == set(wf.states)


def test_the_english_catalog_has_every_romanian_key_and_no_other():
    assert set(_catalog("en")) == set(_catalog("ro"))


def test_a_missing_english_text_falls_back_to_romanian_then_to_the_key():
    assert t("state.submitted", lang="en") == "Submitted, awaiting documents"
    assert t("no.such.key", lang="en") == "no.such.key"
