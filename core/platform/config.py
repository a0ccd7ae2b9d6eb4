"""The one settings object. Nothing else reads the environment."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB = Path("data") / "ghiseu.db"
DEMO_SUPPLIER_IBAN = "RO07DEMO0000001234567890"  # a well-formed IBAN of no bank ("DEMO"): development only


# Every tunable of the product; defaults marked unverified in DESIGN.md stay configurable here.
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: str = "development"  # "production" refuses unsafe defaults
    database_url: str = f"sqlite:///{DEFAULT_DB}"
    # test each pooled PostgreSQL connection before use (one round trip per unit of work): off, a connection the
    # server dropped fails one request, and the pool is renewed (README "Deployment")
    database_pool_pre_ping: bool = True
    app_workers: int = 1
    secret_key: str = "dev-only-secret-change-me"
    language: str = "ro"

    # identifier formats observed on real invoices (configurable patterns)
    pod_pattern: str = r"RO\d{3}E\d{9}"
    client_code_pattern: str = r"C\d{9}"
    payment_code_pattern: str = r"\d{9}"
    invoice_id_pattern: str = r"\d{11}"

    # deadlines, in working days unless named otherwise
    working_day_end_hour: int = 16
    timezone: str = "Europe/Bucharest"
    documents_wait_days: int = 15
    contract_issue_days: int = 5
    dispute_answer_days: int = 15
    dispute_filing_calendar_days: int = 30
    dispute_credit_approval_threshold: Decimal = Decimal("500.00")  # above it a second person approves
    # refunds of credit left on a closed contract (README "Refunds")
    refund_approval_threshold: Decimal = Decimal("500.00")  # above it a supervisor other than the proposer approves
    refund_pay_days: int = 10  # working days from the request to the money sent (unverified)
    # the supplier as debtor of the refunds' payment order (pain.001); demo values, clearly fake
    supplier_name: str = "Ghiseu Energie SA (demo)"
    supplier_iban: str = DEMO_SUPPLIER_IBAN
    supplier_bic: str = "DEMOROB1"
    # timed jobs (core.workflow.timed_jobs) and compensation (core.accounts.compensation; README "Timed jobs")
    documents_reminder_days: int = Field(default=5, ge=1)  # working days before the deadline: missing documents
    # regulated deadlines ("<workflow>.<deadline>") -> [lei once, lei per working day late] (DESIGN.md §3,
    # unverified); a deadline not listed is never compensated. JSON in the environment.
    missed_deadline_compensation: dict[str, tuple[Decimal, Decimal]] = {
        "holder_change.contract": (Decimal("100.00"), Decimal("50.00")),
        "new_contract.contract": (Decimal("100.00"), Decimal("50.00")),
        "payment_dispute.answer": (Decimal("100.00"), Decimal("50.00")),
    }
    compensation_scan_days: int = Field(default=30, ge=1)  # calendar days back the worker looks for late closings

    # billing
    tariff_kwh_net: Decimal = Decimal("0.7400")  # lei per kWh without VAT (unverified)
    invoice_due_days: int = 15  # calendar days from issue to due date
    penalty_grace_days: int = 15  # calendar days after the due date before penalties run
    penalty_daily_rate: Decimal = Decimal("0.0002")  # 0.02% of the overdue amount per day (unverified)

    # plausible values (issue 9): bounds a typed number must keep, beside what its column holds
    # kWh a meter may advance since its last reading: a handover/start index further above it is refused
    meter_max_kwh_since_reading: int = Field(default=1_000_000, gt=0)
    # lei; the largest amount typed anywhere (payment, dispute, credit), capped by the money columns
    max_payment_amount: Decimal = Field(default=Decimal("10000000.00"), gt=0)

    # uploads
    upload_max_bytes: int = 10 * 1024 * 1024  # per file; .streamlit/config.toml maxUploadSize says the same
    upload_max_files_per_case: int = 30
    upload_max_pixels: int = 50_000_000  # an image above it is refused at upload (a 13000 x 13000 PNG is 169)
    upload_max_pdf_pages: int = 200  # a PDF with more pages is refused at upload
    preview_memory_mb: int = 512  # address space of the process that renders one preview
    preview_cpu_seconds: int = 10  # CPU time it may use before the kernel stops it
    preview_timeout_seconds: float = 15  # wall clock before the app kills it (the CPU limit, on a busy machine)
    preview_workers: int = 2  # previews drawn at once per app process (each may take preview_memory_mb)

    # HTTP routes beside the Streamlit app (core.online.routes)
    http_max_body_bytes: int = 64 * 1024  # a larger request body is answered 413 before it is read whole
    http_max_json_depth: int = 32  # a JSON body nested deeper is answered 400 before it is parsed

    # public self-service pages
    public_base_url: str = "http://localhost:8501"  # where links in e-mails point
    payment_processor: str = "sandbox"
    processor_secret: str = "dev-only-processor-secret"  # shared with the processor for HMAC signatures
    payment_intent_abandon_minutes: int = 60  # a payment still unanswered by the processor is given up
    upload_link_days: int = 30  # calendar days a private upload link stays valid
    client_address_header: str | None = None  # e.g. X-Forwarded-For, only behind a trusted reverse proxy
    lookup_window_minutes: int = 15  # failed lookups are counted over this window
    lookup_challenge_after: int = 3  # failures per payment code, browser session or client address in the
    # window before each further attempt there needs a solved proof-of-work challenge (never a block)
    lookup_service_challenge_after: int = 1000  # failures of one service across all visitors in the window
    # before everyone solves a challenge (against enumerating payment codes from many addresses)
    lookup_challenge_difficulty: int = 50_000  # ALTCHA max_number of the first challenge (~0.05 s in a browser)
    lookup_challenge_max_difficulty: int = 4_000_000  # doubling with each further failure, capped (~3-5 s)
    lookup_challenge_minutes: int = 10  # a challenge must be solved and used within this time
    lookup_retention_days: int = 90  # lookup records kept for abuse review, then deleted by the worker
    confirmation_code_minutes: int = 15
    confirmation_code_attempts: int = 5
    confirmation_codes_per_window: int = 3  # codes per contract and channel within confirmation_code_minutes

    # staff sign-in and sessions
    session_idle_minutes: int = 30  # a session unused this long is ended; the next click shows the sign-in form
    session_absolute_hours: int = 12  # a session ends this long after sign-in, however active
    session_handoff_seconds: int = 60  # the sign-in page's one-time code must reach our cookie route within this
    signin_window_minutes: int = 15  # failed sign-ins are counted over this window (the lockout time)
    signin_lock_after: int = 20  # failures per username in the window before it is locked
    signin_address_lock_after: int = 100  # failures per client address (an office shares one address)
    staff_access_retention_days: int = 90  # sign-in attempts and ended sessions kept for review, then deleted
    totp_roles: str = "supervisor,admin"  # roles that need a TOTP code at each sign-in (comma-separated)

    # outbox delivery
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_sender: str = "Ghiseu <no-reply@ghiseu.example>"
    sms_gateway_url: str | None = None  # HTTP SMS gateway; without it SMS stay queued on the outbox page
    sms_gateway_token: str | None = None
    sms_sender: str = "Ghiseu"
    outbox_max_attempts: int = 5
    outbox_retry_minutes: int = 10
    outbox_send_timeout_seconds: int = 30  # each SMTP / SMS gateway network wait
    # a claimed message is left to its worker this long; after it, a worker that died mid-send is presumed
    # dead and the message is retried (the attempt stays counted); must outlast a whole delivery
    outbox_lease_seconds: int = 300

    # demo data
    seed_on_first_start: bool = True
    seed_accounts: int = 2000
    seed_cases: int = 300
    seed_random_seed: int = 20261126

    # RO e-Factura (issue 14): the supplier as the e-invoice names it (clearly fake demo data: a CUI and an
    # IBAN with valid check digits that belong to nobody), and where the official validation artefacts are
    efactura_supplier_name: str = "Ghiseu Energie SA (demo)"
    efactura_supplier_cui: str = "12345674"  # digits only; the VAT identifier is "RO" + this
    efactura_supplier_trade_register: str = "J40/0000/2026"
    efactura_supplier_iban: str = "RO34DEMO0000000000000001"
    efactura_supplier_street: str = "Str. Exemplului 1"
    efactura_supplier_city: str = "SECTOR1"  # CIUS-RO: a sector of Bucharest is the city (BR-RO-100)
    efactura_supplier_county: str = "RO-B"  # ISO 3166-2:RO
    efactura_supplier_email: str = "efactura@ghiseu.example"
    # UBL 2.1 schemas and the compiled CIUS-RO Schematron; .ci/run exports EFACTURA_ARTEFACTS_DIR
    efactura_artefacts_dir: Path = Path(__file__).resolve().parents[3] / "shared" / "efactura"
    efactura_report_days: int = 5  # working days from issue to report a document (calendar days until 2025)
    efactura_start_date: date = date(2025, 1, 1)  # documents issued from this day on are submitted
    # the authority's API (OAuth2); without EFACTURA_API_URL documents stay prepared, nothing is sent
    efactura_api_url: str | None = None  # e.g. the FCTEL "rest" base of its test or production system
    efactura_token_url: str | None = None  # its OAuth2 token endpoint
    efactura_client_id: str | None = None
    efactura_client_secret: str | None = None
    efactura_refresh_token: str | None = None  # from the one-time authorisation with the company's certificate
    efactura_timeout_seconds: float = 30  # each network wait of one call
    efactura_max_attempts: int = 6  # tries of each step (upload, then the polls for the answer), then failed
    efactura_retry_minutes: int = 10  # backoff: this × the attempts so far
    efactura_resume_wait_minutes: int = 120  # an upload left unanswered is looked for this long before a resend
    efactura_lease_seconds: int = 300  # a claimed submission is left to its worker this long

    def public_url(self, path: str) -> str:
        """An absolute link to `path` (which starts with "/") on the public site, however the base URL ends."""
        return f"{self.public_base_url.rstrip('/')}{path}"

    @property
    def totp_roles_set(self) -> frozenset[str]:
        return frozenset(role.strip() for role in self.totp_roles.split(",") if role.strip())

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS once the site is served over HTTPS."""
        return self.public_base_url.lower().startswith("https://")

    @model_validator(mode="after")
    def refuse_unsafe_production(self) -> "Settings":
        if self.outbox_lease_seconds < 4 * self.outbox_send_timeout_seconds:  # connect, EHLO, STARTTLS, DATA
            raise ValueError("OUTBOX_LEASE_SECONDS must outlast a delivery: at least 4 × OUTBOX_SEND_TIMEOUT_SECONDS")
        if self.environment == "production":
            if self.secret_key.startswith("dev-only"):
                raise ValueError("SECRET_KEY must be set in production")
            if self.processor_secret.startswith("dev-only") or self.payment_processor == "sandbox":
                raise ValueError("PAYMENT_PROCESSOR and PROCESSOR_SECRET must be set in production")
            if self.database_url.startswith("sqlite") and self.app_workers > 1:
                raise ValueError("SQLite cannot serve several app instances; set DATABASE_URL to PostgreSQL")
            if self.seed_on_first_start:
                raise ValueError("SEED_ON_FIRST_START must be false in production")
            if self.supplier_iban == DEMO_SUPPLIER_IBAN:
                raise ValueError("SUPPLIER_NAME, SUPPLIER_IBAN and SUPPLIER_BIC must be set in production (refunds)")
            if not {"supervisor", "admin"} <= set(self.totp_roles_set):
                raise ValueError("TOTP_ROLES must include supervisor and admin in production")
        return self


settings = Settings()
