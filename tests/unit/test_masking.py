"""What the admin's outbox hides: the secrets that would let a reader act as the customer."""

from core.staff.masking import hide_secrets


def test_secrets_in_customer_messages_are_hidden_but_registration_numbers_are_not():
    body = ("Codul dumneavoastră este 482913. Cererea SCT-2026-000123: http://x/upload?token=Ab_9-xYz "
            "Sumă 123456,00 lei")
    hidden = hide_secrets(body, "delivery.email_on")
    assert "482913" not in hidden and "Ab_9-xYz" not in hidden
    assert "SCT-2026-000123" in hidden and "123456,00" in hidden
    assert "482913" in hide_secrets(body, "holder_change.registered")  # no code in other messages to hide


# ---- personal data inside free text (a reason, a message), for roles that do not see it ----

import phonenumbers  # noqa: E402
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from stdnum.ro import cnp  # noqa: E402

from core.models import Role  # noqa: E402
from core.staff.masking import free_text_for, scrub  # noqa: E402

COUNTIES = ["01", "12", "22", "40", "46", "51", "52"]  # Alba, Cluj, Iași, București, sector 6, Călărași, Giurgiu
# around the personal data: any text without digits or "@" (so it cannot extend a number or an address),
# control characters, bidi overrides and lone surrogates included
FILLER = st.text(st.characters(exclude_categories=("Nd",), exclude_characters="@+"), max_size=40)
TWELVE = st.builds(lambda sex, yy, mm, dd, county, serial: f"{sex}{yy:02d}{mm:02d}{dd:02d}{county}{serial:03d}",
                   st.integers(1, 8), st.integers(0, 99), st.integers(1, 12), st.integers(1, 28),
                   st.sampled_from(COUNTIES), st.integers(1, 999))
MOBILE = st.builds(lambda prefix, rest, shape: shape.format(p=prefix, r=f"{rest:07d}"),
                   st.sampled_from(["72", "73", "74", "75", "76", "77", "78"]), st.integers(0, 9_999_999),
                   st.sampled_from(["0{p}{r}", "+40{p}{r}", "0040{p}{r}", "+40 {p} {r}", "0{p}-{r}"])
                   ).filter(lambda n: phonenumbers.is_valid_number(phonenumbers.parse(n, "RO")))  # 0781, 0782, 0789: no
                   # such numbers in the numbering plan
LANDLINE = st.builds(lambda area, rest, shape: shape.format(a=area, r=str(rest)[len(area) - 2:]),
                     st.sampled_from(["21", "31", "264", "232", "256"]), st.integers(3_100_000, 3_999_999),
                     st.sampled_from(["0{a}{r}", "+40 {a} {r}", "(0{a}) {r}", "0{a}-{r}"]))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch in "0123456789")  # the filler's other digits (², ٣) are not ours


@given(FILLER, TWELVE, FILLER)
def test_a_valid_cnp_anywhere_in_free_text_is_masked(before, twelve, after):
    number = twelve + cnp.calc_check_digit(twelve)
    shown = scrub(f"{before} {number} {after}")
    assert number not in _digits(shown)
    assert f"{number[0]}*********{number[-3:]}" in shown


@given(FILLER, TWELVE, st.integers(0, 9), FILLER)
def test_a_thirteen_digit_number_that_is_not_a_cnp_stays_as_written(before, twelve, check, after):
    assume(str(check) != cnp.calc_check_digit(twelve))
    text = f"{before} factura {twelve}{check} {after}"
    assert scrub(text) == text


@given(FILLER, MOBILE | LANDLINE, FILLER)
def test_romanian_phone_numbers_mobile_landline_and_international_are_masked(before, phone, after):
    shown = scrub(f"{before} tel. {phone} {after}")
    assert phone not in shown
    assert len(_digits(shown)) <= len(_digits(phone)) - 3  # the subscriber digits between prefix and end are hidden


@given(FILLER, st.from_regex(r"[a-z][a-z0-9._-]{0,12}@[a-z]{2,10}\.(ro|com|eu)", fullmatch=True), FILLER)
def test_an_email_address_in_free_text_keeps_only_its_first_letter_and_domain(before, email, after):
    shown = scrub(f"{before} {email} {after}")
    local, domain = email.split("@")
    assert email not in shown and f"{local[0]}***@{domain}" in shown


@given(FILLER, FILLER)
def test_codes_amounts_and_company_ids_are_not_personal_and_stay(before, after):
    text = (f"{before} cod plată 212345678, client C000000042, factura 20250000123, POD RO005E512345678, "
            f"seria 22EI13345776, CUI 18547290 (RO18547290), index 123456, 1.234,56 lei, 12.05.2026 {after}")
    assert scrub(text) == text


def test_the_persons_name_is_masked_whatever_its_case_and_alone_by_surname():
    shown = scrub("Am vorbit cu POPESCU ION; dl. Popescu revine. Ionescu nu e implicat.", "Popescu Ion")
    assert shown == "Am vorbit cu P. I.; dl. P. revine. Ionescu nu e implicat."


def test_analysts_and_admins_read_free_text_scrubbed_and_clerks_as_written():
    reason = "CNP 1800101221144 la telefon 0264 595 123"
    for role in (Role.ANALYST, Role.ADMIN):
        assert free_text_for(role)(reason, None) == "CNP 1*********144 la telefon 0264*****123"
    for role in (Role.CLERK, Role.SUPERVISOR):
        assert free_text_for(role)(reason, None) == reason
