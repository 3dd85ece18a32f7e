"""Cross-cutting pieces: errors, language, media, health, the audit log and the mail outbox."""
