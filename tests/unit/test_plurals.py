"""Count texts take the catalogue's one / few / many form: "1 caz", "2 cazuri", "20 de cazuri"."""

import pytest

from core.platform.i18n import _catalog, plural_form, t_plural


@pytest.mark.parametrize(("count", "form"), [
    (0, "few"), (1, "one"), (2, "few"), (19, "few"), (20, "many"), (99, "many"), (100, "many"), (101, "few"),
    (119, "few"), (120, "many"), (1000, "many"), (1001, "few"),
])
def test_romanian_counts_choose_one_few_or_many(count, form):
    assert plural_form(count, "ro") == form


@pytest.mark.parametrize(("count", "form"), [(0, "many"), (1, "one"), (2, "many"), (21, "many")])
def test_english_counts_choose_one_or_many(count, form):
    assert plural_form(count, "en") == form


@pytest.mark.parametrize(("count", "ro", "en"), [
    (1, "o zi lucrătoare", "one working day"),
    (2, "2 zile lucrătoare", "2 working days"),
    (20, "20 de zile lucrătoare", "20 working days"),
    (0, "0 zile lucrătoare", "0 working days"),
])
def test_a_count_text_is_written_with_its_form_in_each_language(count, ro, en):
    assert (t_plural("ui.deadline.days", count, lang="ro"), t_plural("ui.deadline.days", count, lang="en")) == (ro, en)


def test_every_plural_text_has_its_three_romanian_forms_and_the_english_ones():
    for lang, forms in (("ro", ("one", "few", "many")), ("en", ("one", "many"))):
        keys = _catalog(lang).keys()
        stems = {k.removesuffix("_one") for k in keys if k.endswith("_one")} & {
            k.removesuffix("_many") for k in keys if k.endswith("_many")}
        assert stems and all(f"{stem}_{form}" in keys for stem in stems for form in forms), lang
