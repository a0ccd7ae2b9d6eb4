"""Made-up holders, applicants and places: valid CNP/CUI, Romanian mobile numbers, reserved example.* e-mail domains,
Romanian street names. One seeded Faker and one Random drive everything, so a seed always gives the
same people; no value belongs to a real person."""

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import phonenumbers
from faker import Faker
from stdnum.ro import cnp, cui

from core.efactura.address import LOCALITIES as TOWNS
from core.models import CustomerKind

COUNTIES = (*range(1, 47), 51, 52)  # CNP county codes: 01-46, Bucharest 51-52 as the brief asks
COMPANY_WORDS = ("Impex", "Trans", "Construct", "Agro", "Serv", "Prod", "Comert", "Tehnic", "Logistic")
METER_MAKERS = ("ZMD", "ACE", "EMH", "LGZ", "ISK")
# towns whose county the e-invoice can name (core.efactura.address), and Bucharest by sector
LOCALITIES = (*TOWNS, *(f"Sector {n}, București" for n in range(1, 7)))


@dataclass(frozen=True)
class Party:
    """A holder or an applicant, as the intake form and the customer table know them."""

    kind: CustomerKind
    name: str  # "Last First" for a person, like the intake service stores it
    first_name: str
    last_name: str
    national_id: str  # CNP or CUI, digits only
    email: str
    phone: str  # E.164


def _ascii_slug(text: str) -> str:
    """`Ștefănescu-Pop` -> `stefanescupop`, for e-mail local parts."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class Fake:
    """The dataset's only source of randomness; `rng` is shared with the rest of the seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.faker = Faker("ro_RO")
        self.faker.seed_instance(seed)
        self._used: set[str] = set()
        self._emails = 0

    def party(self, kind: CustomerKind) -> Party:
        return self.person() if kind == CustomerKind.PERSON else self.company()

    def person(self) -> Party:
        female = self.rng.random() < 0.5
        first = self.faker.first_name_female() if female else self.faker.first_name_male()
        last = self.faker.last_name()
        return Party(CustomerKind.PERSON, f"{last} {first}", first, last, self._unique(lambda: self._cnp(female)),
                     self._email(f"{_ascii_slug(first)}.{_ascii_slug(last)}", "example.org"), self.phone())

    def company(self) -> Party:
        last = self.faker.last_name()
        name = f"{last} {self.rng.choice(COMPANY_WORDS)} {self.rng.choice(('SRL', 'SA'))}"
        return Party(CustomerKind.COMPANY, name, "", "", self._unique(self._cui),
                     self._email(f"office.{_ascii_slug(last)}", "example.com"), self.phone())

    def phone(self) -> str:
        """A mobile number that `phonenumbers` accepts for RO (not every 07x prefix is allocated)."""
        while True:
            number = f"+407{self.rng.randint(2, 9)}{self.rng.randrange(10**7):07d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number

    def address(self) -> str:
        street = f"{self.faker.street_name()} nr. {self.rng.randint(1, 250)}"
        if self.rng.random() < 0.4:
            street += f", bl. {self.rng.randint(1, 90)}, sc. {self.rng.choice('ABCD')}, ap. {self.rng.randint(1, 80)}"
        return f"{street}, {self.faker.random_element(LOCALITIES)}"

    def pod(self) -> str:
        return self._unique(lambda: f"RO{self.rng.randint(1, 8):03d}E{self.rng.randrange(10**9):09d}")

    def meter_serial(self) -> str:
        return f"{self.rng.choice(METER_MAKERS)}-{self.rng.randrange(10**8):08d}"

    def _cnp(self, female: bool) -> str:
        born = date(1940, 1, 1) + timedelta(days=self.rng.randrange(66 * 365))
        sex = (1 if born.year < 2000 else 5) + female  # 1/2 for 1900-1999, 5/6 from 2000
        body = f"{sex}{born:%y%m%d}{self.rng.choice(COUNTIES):02d}{self.rng.randint(1, 999):03d}"
        return body + cnp.calc_check_digit(body)

    def _cui(self) -> str:
        body = str(self.rng.randint(100_000, 49_999_999))
        return body + cui.calc_check_digit(body)

    def _email(self, local: str, domain: str) -> str:
        self._emails += 1  # the counter keeps namesakes apart
        return f"{local}{self._emails}@{domain}"

    def _unique(self, make: Callable[[], str]) -> str:
        value = make()
        while value in self._used:
            value = make()
        self._used.add(value)
        return value
