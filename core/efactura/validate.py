"""Checks an e-invoice the way the tax authority's validator does, before anything is sent: the UBL 2.1
XML schema, then the EN 16931 + CIUS-RO business rules (the official Schematron compiled to XSLT, run by
saxonche). A failed SVRL assertion is a failed rule; a warning-level one is not.

The artefacts live outside the repository (`EFACTURA_ARTEFACTS_DIR`, default `<repo>/../shared/efactura`).
Loading the schema and compiling the stylesheets takes seconds, so it happens once per process, on first use."""

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import xmlschema
from lxml import etree
from saxonche import PySaxonProcessor

from core.platform.config import settings

SCHEMAS = {"Invoice": "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd", "CreditNote": "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"}
RULES = ("cius-ro-1.0.9/EN16931-CIUS_RO-UBL-validation.xslt",
         "cius-ro-1.0.9/ROeFactura-UBL-validation-Invoice_v1.0.9.xslt")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
SCHEMA_RULE = "XSD"  # the rule id of a schema error


class ArtefactsMissing(RuntimeError):
    """The validation artefacts are not where the setting points: nothing can be checked, so nothing is sent."""


@dataclass(frozen=True)
class FailedRule:
    rule: str  # BR-CO-15, BR-RO-111, ... or "XSD"
    message: str
    location: str = ""

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}" + (f" ({self.location})" if self.location else "")


def artefacts_dir() -> Path:
    """The artefacts folder, or `ArtefactsMissing` saying which folder and which setting."""
    folder = Path(settings.efactura_artefacts_dir)
    missing = [name for name in (*SCHEMAS.values(), *RULES) if not (folder / name).is_file()]
    if missing:
        raise ArtefactsMissing(f"e-Factura validation artefacts not found in {folder} (missing {missing[0]}); "
                               "set EFACTURA_ARTEFACTS_DIR to the folder holding ubl-2.1/ and cius-ro-1.0.9/")
    return folder


class _Rules:
    """The schemas and compiled stylesheets of one artefacts folder; Saxon is used by one thread at a time."""

    def __init__(self, folder: Path):
        self.schemas = {root: xmlschema.XMLSchema(str(folder / path)) for root, path in SCHEMAS.items()}
        self.processor = PySaxonProcessor(license=False)
        compiler = self.processor.new_xslt30_processor()
        self.stylesheets = [compiler.compile_stylesheet(stylesheet_file=str(folder / path)) for path in RULES]
        self.lock = threading.Lock()

    def failed(self, xml: bytes) -> list[FailedRule]:
        try:
            root = etree.fromstring(xml)
        except etree.XMLSyntaxError as error:
            return [FailedRule(SCHEMA_RULE, f"not well-formed XML: {error}")]
        kind = etree.QName(root).localname
        if kind not in self.schemas:
            return [FailedRule(SCHEMA_RULE, f"root element is {kind}, expected Invoice or CreditNote")]
        schema_errors = [FailedRule(SCHEMA_RULE, str(e.reason), str(e.path or ""))
                         for e in self.schemas[kind].iter_errors(root)][:20]
        if schema_errors:
            return schema_errors
        failed: dict[tuple[str, str], FailedRule] = {}  # both rule sets carry the CIUS-RO rules
        with self.lock:
            node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
            reports = [sheet.transform_to_string(xdm_node=node) for sheet in self.stylesheets]
        for report in reports:
            for assertion in etree.fromstring(report.encode()).iter(f"{SVRL}failed-assert"):
                if assertion.get("flag", "fatal") == "warning" or assertion.get("role") == "warning":
                    continue
                text = " ".join("".join(assertion.itertext()).split())
                rule = FailedRule(assertion.get("id", "?"), text[:400], assertion.get("location", "")[:200])
                failed.setdefault((rule.rule, rule.location), rule)
        return list(failed.values())


_loading = threading.Lock()


@cache
def _loaded(folder: Path) -> _Rules:
    return _Rules(folder)


def _rules(folder: Path) -> _Rules:
    with _loading:  # two threads arriving first compile once, not twice
        return _loaded(folder)


def validate(xml: bytes) -> list[FailedRule]:
    """The rules the document fails, none when it would be accepted; `ArtefactsMissing` without artefacts."""
    return _rules(artefacts_dir()).failed(xml)
