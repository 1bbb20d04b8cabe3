"""Face data screens of the secretariat (enrolment, consent, deletion)."""
