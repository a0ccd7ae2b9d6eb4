"""What every area stands on: settings, database, audit trail, i18n, validation, working days,
the outbox and its worker, numbering, Excel writing."""
