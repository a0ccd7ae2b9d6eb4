"""The county and locality CIUS-RO wants, read from our one-line addresses, or a refusal (never a guess)."""

import pytest

from core.efactura.address import AddressNotUnderstood, PostalAddress, parse_address


@pytest.mark.parametrize(("text", "expected"), [
    ("Str. Lalelelor 5, Iași", PostalAddress("Str. Lalelelor 5", "Iași", "RO-IS")),
    ("Str. Învățătorilor 7, Câmpina", PostalAddress("Str. Învățătorilor 7", "Câmpina", "RO-PH")),
    ("Bd. Unirii 10, bl. 3, ap. 4, Sector 3, București",
     PostalAddress("Bd. Unirii 10, bl. 3, ap. 4", "SECTOR3", "RO-B")),
    ("Calea Victoriei 1, sectorul 1, Bucuresti", PostalAddress("Calea Victoriei 1", "SECTOR1", "RO-B")),
    ("Str. Morii 2, Homocea, jud. Vrancea", PostalAddress("Str. Morii 2", "Homocea", "RO-VN")),
    ("Str. Morii 2, Feleacu, județul Cluj", PostalAddress("Str. Morii 2", "Feleacu", "RO-CJ")),
    ("Str. Gării 3, CLUJ-NAPOCA", PostalAddress("Str. Gării 3", "CLUJ-NAPOCA", "RO-CJ")),
    ("Str. Mare 1, Bistrița, jud. Bistrița-Năsăud", PostalAddress("Str. Mare 1", "Bistrița", "RO-BN")),
])
def test_an_address_gives_its_street_locality_and_county(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", [
    "Str. Lalelelor 5",  # no locality
    "Str. Morii 2, Homocea",  # a village we cannot place in a county
    "Calea Victoriei 1, București",  # Bucharest without its sector
    "Calea Victoriei 1, Sector 9, București",
    "Str. Morii 2, Homocea, jud. Atlantida",
    "Str. Morii 2, Sector 2, București, jud. Cluj",
    "",
])
def test_an_address_we_cannot_place_is_refused_not_guessed(text):
    with pytest.raises(AddressNotUnderstood) as refused:
        parse_address(text)
    assert refused.value.address == text
