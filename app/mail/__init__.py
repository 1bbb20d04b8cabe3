"""E-mail: SMTP settings and sending, iCalendar invitations, the persistent mail outbox."""
