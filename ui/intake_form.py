"""The holder-change form, at the counter/phone and on the public site: widgets named after the fields
core.services.intake checks, each with a slot right under it for that field's message (uploads use
`doc_<type>`, as the service does)."""

from dataclasses import dataclass, field

import streamlit as st

from core.models import CustomerKind
from core.platform.i18n import t
from core.services.intake import RIGHT_OF_USE
from core.workflow import registry
from workflows import holder_change

CREATED = "intake_created"  # (case id, registration number, state) of the request just registered
CHANNELS = ("counter", "phone")
UPLOAD_TYPES = ["pdf", "jpg", "jpeg", "png"]


@dataclass
class Form:
    """A service's form on screen: what was typed, and a slot under each field for its message. Other
    forms (the dispute form) use it with their own key prefix and catalog section."""

    values: dict = field(default_factory=dict)
    channel: str = "counter"
    uploads: dict = field(default_factory=dict)  # doc type -> UploadedFile
    slots: dict = field(default_factory=dict)  # field -> placeholder for its message
    prefix: str = "intake"  # widget keys: <prefix>_<field>
    labels: str = "ui.intake"  # catalog section of the field labels

    def text(self, name: str, where=st, **options) -> None:
        self.values[name] = where.text_input(t(f"{self.labels}.{name}"), key=f"{self.prefix}_{name}", **options)
        self.slots[name] = where.empty()

    def row(self, *fields: tuple[str, dict]) -> None:
        for column, (name, options) in zip(st.columns(len(fields)), fields, strict=True):
            self.text(name, column, **options)

    def applicant(self, kind: str) -> None:
        """Who asks: a person's names and CNP or a company's name and CUI, then contact details."""
        st.markdown(f"##### {t(f'{self.labels}.section_applicant')}")
        if kind == CustomerKind.COMPANY:
            self.row(("company_name", {}), ("national_id", dict(max_chars=12, help=t(f"{self.labels}.cui_help"))))
        else:
            self.row(("last_name", {}), ("first_name", {}),
                     ("national_id", dict(max_chars=13, help=t(f"{self.labels}.cnp_help"))))
        self.row(("email", {}), ("phone", dict(placeholder="0721 234 567")))
        self.text("correspondence_address", st, help=t(f"{self.labels}.correspondence_help"))

    def right_of_use(self, where) -> None:
        self.values["right_of_use"] = where.selectbox(
            t(f"{self.labels}.right_of_use"), RIGHT_OF_USE, key=f"{self.prefix}_right_of_use",
            format_func=lambda v: t(f"right_of_use.{v}"))
        self.slots["right_of_use"] = where.empty()

    def show_errors(self, messages: dict[str, str]) -> None:
        for name, message in messages.items():
            self.slots.get(name, st).error(message, icon=":material/error:")

    def upload_list(self) -> list[tuple[str, str, bytes]]:
        return [(doc_type, f.name, f.getvalue()) for doc_type, f in self.uploads.items() if f is not None]


def form_fields(kind: str, prefix: str = "intake", at_counter: bool = True) -> Form:
    """Draws the fields inside the caller's st.form, a row at a time so each message stays beside its
    neighbours, and returns what was typed. At the counter the clerk also picks the channel and may attach
    documents; online the applicant uploads them afterwards through the private link."""
    form = Form(values={"applicant_kind": kind}, channel="counter" if at_counter else "online", prefix=prefix)
    st.markdown(f"##### {t('ui.intake.section_place')}")
    form.row(("pod", dict(placeholder="RO005E512345678", help=t("ui.intake.pod_help"))),
             ("address", dict(help=t("ui.intake.address_help"))))
    form.row(("payment_code", dict(max_chars=9, help=t("ui.intake.codes_help"))),
             ("client_code", dict(max_chars=10, placeholder="C000000042", help=t("ui.intake.codes_help"))))

    form.applicant(kind)

    st.markdown(f"##### {t('ui.intake.section_handover')}")
    index, right, *channel = st.columns(3 if at_counter else 2)
    form.text("handover_index", index, help=t("ui.intake.index_help"))
    form.right_of_use(right)
    if not at_counter:
        return form
    form.channel = channel[0].radio(t("ui.intake.channel"), CHANNELS, key=f"{prefix}_channel", horizontal=True,
                                    format_func=lambda v: t(f"ui.channel.{v}"))

    st.markdown(f"##### {t('ui.intake.section_documents')}")
    st.caption(t("ui.intake.documents_hint"))
    for doc_type in registry.latest(holder_change.WORKFLOW.name).required_documents(kind):
        form.uploads[doc_type] = st.file_uploader(t(f"document.{doc_type}"), type=UPLOAD_TYPES,
                                                  key=f"{prefix}_doc_{doc_type}", help=t("ui.intake.upload_help"))
        form.slots[f"doc_{doc_type}"] = st.empty()
    return form


def start_over(prefix: str = "intake") -> None:
    """Forgets the registered request and every field, for the next applicant."""
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
        del st.session_state[key]
