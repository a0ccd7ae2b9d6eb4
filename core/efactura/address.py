"""Reads the county (ISO 3166-2:RO) and the locality out of an address kept as free text, because CIUS-RO
wants both (BR-RO-090/110) and our places and customers have one address line.

Understood, from the end of the text: "..., Sector 3, București" (the city is then "SECTOR3", as BR-RO-100
asks for RO-B); "..., <locality>, jud. <county>" (or "județul"); "..., <locality>" for a locality in
`LOCALITIES` (every county seat and the larger towns). Anything else is refused with `AddressNotUnderstood`,
never guessed: such a document is held back and named in the export."""

import re
import unicodedata
from dataclasses import dataclass

from core.platform.errors import DomainError

# ISO 3166-2:RO: county name -> code
COUNTIES = {
    "Alba": "AB", "Arad": "AR", "Argeș": "AG", "Bacău": "BC", "Bihor": "BH", "Bistrița-Năsăud": "BN",
    "Botoșani": "BT", "Brăila": "BR", "Brașov": "BV", "București": "B", "Buzău": "BZ", "Călărași": "CL",
    "Caraș-Severin": "CS", "Cluj": "CJ", "Constanța": "CT", "Covasna": "CV", "Dâmbovița": "DB", "Dolj": "DJ",
    "Galați": "GL", "Giurgiu": "GR", "Gorj": "GJ", "Harghita": "HR", "Hunedoara": "HD", "Ialomița": "IL",
    "Iași": "IS", "Ilfov": "IF", "Maramureș": "MM", "Mehedinți": "MH", "Mureș": "MS", "Neamț": "NT", "Olt": "OT",
    "Prahova": "PH", "Sălaj": "SJ", "Satu Mare": "SM", "Sibiu": "SB", "Suceava": "SV", "Teleorman": "TR",
    "Timiș": "TM", "Tulcea": "TL", "Vâlcea": "VL", "Vaslui": "VS", "Vrancea": "VN",
}

# locality (as written, with diacritics) -> county code: the county seats and the larger towns
LOCALITIES = {
    "Alba Iulia": "AB", "Aiud": "AB", "Sebeș": "AB", "Blaj": "AB", "Arad": "AR", "Pitești": "AG",
    "Câmpulung": "AG", "Curtea de Argeș": "AG", "Bacău": "BC", "Onești": "BC", "Oradea": "BH", "Salonta": "BH",
    "Bistrița": "BN", "Botoșani": "BT", "Dorohoi": "BT", "Brăila": "BR", "Brașov": "BV", "Făgăraș": "BV",
    "Săcele": "BV", "Buzău": "BZ", "Râmnicu Sărat": "BZ", "Călărași": "CL", "Oltenița": "CL", "Reșița": "CS",
    "Caransebeș": "CS", "Cluj-Napoca": "CJ", "Turda": "CJ", "Dej": "CJ", "Câmpia Turzii": "CJ", "Constanța": "CT",
    "Mangalia": "CT", "Medgidia": "CT", "Eforie Nord": "CT", "Sfântu Gheorghe": "CV", "Târgu Secuiesc": "CV",
    "Târgoviște": "DB", "Moreni": "DB", "Craiova": "DJ", "Băilești": "DJ", "Calafat": "DJ", "Galați": "GL",
    "Tecuci": "GL", "Giurgiu": "GR", "Târgu Jiu": "GJ", "Motru": "GJ", "Miercurea Ciuc": "HR",
    "Odorheiu Secuiesc": "HR", "Deva": "HD", "Hunedoara": "HD", "Petroșani": "HD", "Orăștie": "HD",
    "Slobozia": "IL", "Fetești": "IL",
    "Urziceni": "IL", "Iași": "IS", "Pașcani": "IS", "Voluntari": "IF", "Buftea": "IF", "Otopeni": "IF",
    "Popești-Leordeni": "IF", "Tunari": "IF", "Baia Mare": "MM", "Sighetu Marmației": "MM",
    "Drobeta-Turnu Severin": "MH", "Târgu Mureș": "MS", "Reghin": "MS", "Sighișoara": "MS", "Piatra Neamț": "NT",
    "Roman": "NT", "Slatina": "OT", "Caracal": "OT", "Ploiești": "PH", "Câmpina": "PH", "Sinaia": "PH",
    "Zalău": "SJ", "Satu Mare": "SM", "Carei": "SM", "Sibiu": "SB", "Mediaș": "SB", "Suceava": "SV",
    "Fălticeni": "SV", "Rădăuți": "SV", "Câmpulung Moldovenesc": "SV", "Alexandria": "TR", "Roșiorii de Vede": "TR",
    "Turnu Măgurele": "TR", "Timișoara": "TM", "Lugoj": "TM", "Tulcea": "TL", "Râmnicu Vâlcea": "VL",
    "Drăgășani": "VL", "Vaslui": "VS", "Bârlad": "VS", "Huși": "VS", "Focșani": "VN", "Adjud": "VN",
}

_SECTOR = re.compile(r"sector(?:ul)?\s*([1-6])", re.IGNORECASE)
_COUNTY = re.compile(r"(?:judetul|jud\.?)\s*(.+)", re.IGNORECASE)


class AddressNotUnderstood(DomainError):
    """An address whose county or locality cannot be read: the e-invoice cannot be built from it."""

    def __init__(self, address: str):
        super().__init__("efactura.address_not_understood", address=address)
        self.address = address


@dataclass(frozen=True)
class PostalAddress:
    street: str  # BT-35/50/75: what comes before the locality
    city: str  # BT-37/52/77: the locality, or SECTOR1..SECTOR6 in Bucharest
    county: str  # BT-39/54/79: ISO 3166-2:RO, e.g. "RO-CJ", "RO-B"


def _folded(text: str) -> str:
    """Lower case without diacritics and with one spelling of ș/ş and ț/ţ, for comparing names."""
    plain = unicodedata.normalize("NFKD", text.strip())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).casefold().replace("-", " ").split())


_COUNTY_BY_NAME = {_folded(name): code for name, code in COUNTIES.items()}
_COUNTY_BY_LOCALITY = {_folded(name): code for name, code in LOCALITIES.items()}


def parse_address(text: str) -> PostalAddress:
    """The street, locality and county of a Romanian address line; `AddressNotUnderstood` when unsure."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        raise AddressNotUnderstood(text)
    county = None
    county_match = _COUNTY.fullmatch(_folded(parts[-1]))
    if county_match:
        county = _COUNTY_BY_NAME.get(county_match.group(1))
        if county is None:
            raise AddressNotUnderstood(text)
        parts = parts[:-1]
    locality = parts[-1]
    if _folded(locality) in ("bucuresti", "municipiul bucuresti"):
        sector = _SECTOR.fullmatch(_folded(parts[-2])) if len(parts) >= 3 else None
        if sector is None or county not in (None, "B"):
            raise AddressNotUnderstood(text)
        return PostalAddress(", ".join(parts[:-2]), f"SECTOR{sector.group(1)}", "RO-B")
    county = county or _COUNTY_BY_LOCALITY.get(_folded(locality))
    if county is None or county == "B" or len(parts) < 2:
        raise AddressNotUnderstood(text)
    return PostalAddress(", ".join(parts[:-1]), locality, f"RO-{county}")
